/** Plain data read from a camera over ONVIF; the parsers produce it, classify/inventory consume it. */

export interface DeviceInformation {
  readonly manufacturer?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly serial?: string;
  readonly hardwareId?: string;
}

export interface NetworkInterfaceInfo {
  readonly name?: string;
  readonly enabled: boolean;
  readonly mac?: string;
  readonly ipv4: readonly string[];
}

/** Service XAddrs by role, already rewritten to the address that answered. */
export interface ServiceMap {
  readonly device: string;
  readonly media?: string;
  readonly media2?: string;
  readonly events?: string;
  readonly ptz?: string;
  readonly analytics?: string;
}

export interface MediaProfile {
  readonly token: string;
  readonly name: string;
  readonly videoSourceToken?: string;
  readonly encoding?: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** The profile carries a PTZ configuration with pan/tilt (not only zoom). */
  readonly ptz: boolean;
  /** Source bounds of the profile's video source configuration. */
  readonly sourceWidth?: number;
  readonly sourceHeight?: number;
  /** ONVIF Media §5.3.1 LensDescription present (fisheye optics). */
  readonly lens: boolean;
}

export interface VideoSource {
  readonly token: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly viewModes: readonly string[];
  readonly description?: string;
}
