#!/bin/sh
# Regenerates the RTP captures in this folder (RFC 4571 framing: 16-bit length, then the packet).
# Real packetizers, small pictures: ffmpeg (libx264/libx265) encodes a 2 s test pattern into
# Matroska (so the timestamps are real), GStreamer's rtph264pay/rtph265pay packetizes it.
# Run from this folder: sh capture.sh   (needs ffmpeg and gst-launch-1.0 with the good/bad plugins)
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src="testsrc2=size=160x120:rate=25"
ffmpeg -hide_banner -loglevel error -f lavfi -i "$src" -t 2 -c:v libx264 -g 10 -bf 0 -crf 40 -pix_fmt yuv420p "$tmp/h264.mkv"
ffmpeg -hide_banner -loglevel error -f lavfi -i "$src" -t 2 -c:v libx264 -g 10 -bf 0 -x264-params slices=4 -crf 40 -pix_fmt yuv420p "$tmp/slices.mkv"
ffmpeg -hide_banner -loglevel error -f lavfi -i "$src" -t 2 -c:v libx264 -g 10 -bf 2 -crf 40 -pix_fmt yuv420p "$tmp/bframes.mkv"
ffmpeg -hide_banner -loglevel error -f lavfi -i "$src" -t 2 -c:v libx265 -g 10 -bf 0 -crf 40 -pix_fmt yuv420p -x265-params log-level=error "$tmp/h265.mkv"
pay() { # input, parser, payloader options, output
  gst-launch-1.0 -q filesrc location="$1" ! matroskademux ! "$2" ! $3 ! rtpstreampay ! filesink location="$4"
}
pay "$tmp/h264.mkv" h264parse "rtph264pay mtu=400 config-interval=-1" gst-h264-fua.rtp
pay "$tmp/h264.mkv" h264parse "rtph264pay aggregate-mode=zero-latency config-interval=-1" gst-h264-stapa.rtp
pay "$tmp/slices.mkv" h264parse "rtph264pay config-interval=-1" gst-h264-slices.rtp
pay "$tmp/bframes.mkv" h264parse "rtph264pay config-interval=-1" gst-h264-bframes.rtp
pay "$tmp/h265.mkv" h265parse "rtph265pay mtu=400 config-interval=-1" gst-h265-fu.rtp
pay "$tmp/h265.mkv" h265parse "rtph265pay aggregate-mode=zero-latency config-interval=-1" gst-h265-ap.rtp
