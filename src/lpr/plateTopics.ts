/**
 * Which event topics are licence-plate reads. Vendors and the ONVIF analytics specifications name
 * them differently, so they are matched by name against this list plus the config's
 * `lpr.extraTopics` (docs/lpr.md lists them with where each comes from). A pattern is a topic path;
 * `*` matches any run of characters (also across `/`); namespace prefixes are ignored on both sides
 * (a camera may bind the ONVIF or its own namespace to any prefix) and case does not matter.
 */
export const DEFAULT_PLATE_TOPICS: readonly string[] = [
  // ONVIF analytics: the licence-plate rule (onvif/specs PR #203, "LPR rule") raises its
  // detections under the rule engine; recognition events under Recognition (Profile M).
  'tns1:RuleEngine/LicensePlateDetector/*',
  'tns1:RuleEngine/LicensePlateRecognition/*',
  'tns1:RuleEngine/Recognition/LicensePlate*',
  'tns1:RuleEngine/*/LicensePlate*',
  'tns1:VideoAnalytics/*LicensePlate*',
  // Hikvision ANPR cameras (DS-2CD4A26FWD-IZHS/P): each read carries the plate under
  // `tns1:RuleEngine/VehicleDetector/tnshik:Vehicle` (home-assistant/core#156560).
  'tns1:RuleEngine/VehicleDetector/Vehicle',
  // Axis License Plate Verifier (an ACAP): its events come under the application platform.
  'tnsaxis:CameraApplicationPlatform/LicensePlateVerifier*',
  // Generic names LPR firmware uses for its own topics (any vendor prefix).
  '*/ANPR*',
  '*/NumberPlate*',
  '*/PlateRecognition*',
];

/**
 * A prefix-free, lower-case form of a topic or pattern: `tns1:RuleEngine/X` → `ruleengine/x`.
 * A vendor root as GetEventProperties gives it (`{http://www.axis.com/2009/event/topics}Name`,
 * deviceParsers.ts) loses its namespace URI the same way.
 */
function bare(topic: string): string {
  return topic
    .replace(/^\{[^}]*\}/, '')
    .split('/')
    .map((seg) => seg.slice(seg.indexOf(':') + 1))
    .join('/')
    .toLowerCase();
}

export class PlateTopics {
  private readonly patterns: readonly { source: string; re: RegExp }[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map((source) => ({ source, re: toRegExp(source) }));
  }

  static withExtra(extra: readonly string[]): PlateTopics {
    return new PlateTopics([...DEFAULT_PLATE_TOPICS, ...extra]);
  }

  /** The pattern a topic matches, or undefined when it is not a plate read. */
  match(topic: string): string | undefined {
    const t = bare(topic);
    return this.patterns.find((p) => p.re.test(t))?.source;
  }

  /** The plate topics among a camera's advertised topics (GetEventProperties). */
  select(topics: readonly string[]): string[] {
    return topics.filter((t) => this.match(t) !== undefined);
  }
}

function toRegExp(pattern: string): RegExp {
  const escaped = bare(pattern)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}
