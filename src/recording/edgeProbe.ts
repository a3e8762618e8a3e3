import type { Element } from '@xmldom/xmldom';
import {
  latestVideoWrite,
  parseFindRecordings,
  parseRecordingSearchResults,
  parseRecordingSummary,
} from '../discovery/recordingSearchParsers.js';
import { CamgateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { EdgeProbe } from './cameraWatch.js';

const TSE = 'http://www.onvif.org/ver10/search/wsdl';

/**
 * One SOAP exchange with the camera: the response element inside Body, faults thrown as
 * CamgateError. discovery's `SoapClient` is one (bounded, Digest then WS-Security); app/ builds it.
 */
export interface SoapCaller {
  call(url: string, action: string, bodyXml: string, opts?: { signal?: AbortSignal }): Promise<Element>;
}

export interface OnvifEdgeProbeDeps {
  readonly soap: SoapCaller;
  /** The search service XAddr, already on the address that answered; undefined: no Profile G. */
  readonly searchUrl: (signal: AbortSignal) => Promise<string | undefined>;
  /** Camera clock minus ours in ms (interrogation, refreshed every sweep); undefined: not known. */
  readonly clockOffsetMs: () => number | undefined;
  readonly log: Log;
}

/** Searches polled at most this many times before we give up on one FindRecordings. */
const MAX_RESULT_ROUNDS = 5;

/**
 * The camera's own storage, asked over ONVIF Profile G (Search service, ONVIF Search Service
 * Spec §5): GetRecordingSummary's DataUntil, or when the camera leaves it out or does not
 * implement the call, FindRecordings + GetRecordingSearchResults (newest LatestRecording or video
 * DataTo) + EndSearch. The camera answers on its own clock; we convert with the measured offset.
 */
export class OnvifEdgeProbe implements EdgeProbe {
  private url: string | undefined;
  /** The camera answered GetRecordingSummary without DataUntil or with a fault: skip it from now on. */
  private summaryUnusable = false;
  private warnedNoOffset = false;

  constructor(private readonly deps: OnvifEdgeProbeDeps) {}

  async latestWrite(signal: AbortSignal): Promise<number | undefined> {
    const url = await this.searchService(signal);
    const cameraMs = await this.latestOnCameraClock(url, signal);
    if (cameraMs === undefined) return undefined;
    const offset = this.deps.clockOffsetMs();
    if (offset === undefined && !this.warnedNoOffset) {
      this.warnedNoOffset = true;
      this.deps.log.warn('camera clock offset unknown: reading its DataUntil as if its clock were ours');
    }
    // offset = camera minus ours, so our time of the camera's write is camera time minus offset.
    return cameraMs - (offset ?? 0);
  }

  private async searchService(signal: AbortSignal): Promise<string> {
    if (this.url) return this.url;
    const url = await this.deps.searchUrl(signal);
    if (!url) {
      throw new CamgateError(
        'ONVIF_UNSUPPORTED',
        'camera lists no ONVIF search service (Profile G) in GetServices',
      );
    }
    this.url = url;
    return url;
  }

  private async latestOnCameraClock(url: string, signal: AbortSignal): Promise<number | undefined> {
    if (!this.summaryUnusable) {
      try {
        const summary = parseRecordingSummary(
          await this.deps.soap.call(url, 'GetRecordingSummary', `<GetRecordingSummary xmlns="${TSE}"/>`, {
            signal,
          }),
        );
        if (summary.dataUntil !== undefined) return summary.dataUntil;
        this.deps.log.info('GetRecordingSummary has no DataUntil: using FindRecordings');
      } catch (err) {
        if (!isFault(err)) throw err;
        this.deps.log.info({ err }, 'GetRecordingSummary refused: using FindRecordings');
      }
      this.summaryUnusable = true;
    }
    return this.searchRecordings(url, signal);
  }

  private async searchRecordings(url: string, signal: AbortSignal): Promise<number | undefined> {
    const { soap } = this.deps;
    const find =
      `<FindRecordings xmlns="${TSE}"><Scope/><MaxMatches>100</MaxMatches>` +
      '<KeepAliveTime>PT10S</KeepAliveTime></FindRecordings>';
    const token = parseFindRecordings(await soap.call(url, 'FindRecordings', find, { signal }));
    const tokenXml = `<SearchToken>${escapeXml(token)}</SearchToken>`;
    try {
      let latest: number | undefined;
      for (let round = 0; round < MAX_RESULT_ROUNDS; round++) {
        const body =
          `<GetRecordingSearchResults xmlns="${TSE}">${tokenXml}<MaxResults>100</MaxResults>` +
          '<WaitTime>PT1S</WaitTime></GetRecordingSearchResults>';
        const results = parseRecordingSearchResults(
          await soap.call(url, 'GetRecordingSearchResults', body, { signal }),
        );
        const at = latestVideoWrite(results);
        if (at !== undefined && (latest === undefined || at > latest)) latest = at;
        // Completed, or a firmware that leaves SearchState out: nothing more will come.
        if (results.state === undefined || results.state === 'Completed') return latest;
      }
      return latest;
    } finally {
      // Searches hold camera resources until KeepAliveTime runs out; end ours, but its failure is not ours to report.
      await soap
        .call(url, 'EndSearch', `<EndSearch xmlns="${TSE}">${tokenXml}</EndSearch>`, { signal })
        .catch((err: unknown) => this.deps.log.debug({ err }, 'EndSearch failed'));
    }
  }
}

function isFault(err: unknown): boolean {
  return err instanceof CamgateError && err.code === 'ONVIF_FAULT';
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
