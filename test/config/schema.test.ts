import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/jsonSchema.js';
import { ConfigError, loadConfigFile, parseConfigText, resolveConfigPath } from '../../src/config/load.js';

const root = path.resolve(import.meta.dirname, '../..');
const minimal = 'site: { id: s1 }\ngateway: { id: g1 }\n';

function issuesOf(text: string): string[] {
  try {
    parseConfigText(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('config schema', () => {
  it('fills every default from a minimal file', () => {
    const c = parseConfigText(minimal);
    expect(c.storage.path).toBe('/var/lib/camgate');
    expect(c.mqtt.url).toBe('mqtt://127.0.0.1:1883');
    expect(c.health.stallSeconds).toBe(3);
    expect(c.recording).toMatchObject({ enabled: false, segmentSeconds: 60, retentionDays: 30 });
    expect(c.control.socket).toBe('/run/camgate/control.sock');
    expect(c.discovery.ports).toEqual([80, 8000, 8080, 8899, 2020]);
  });

  it('returns a frozen config', () => {
    const c = parseConfigText(minimal);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.mqtt)).toBe(true);
  });

  it.each([
    ['mqtt: { url: http://broker }', 'mqtt.url: must be mqtt:// or mqtts://'],
    ['mqtt: { bogus: 1 }', 'mqtt.bogus: unknown key'],
    ['extra: true', 'extra: unknown key'],
    ['health: { stallSeconds: 0 }', 'health.stallSeconds:'],
    ['discovery: { ranges: [10.0.0.0/33] }', 'discovery.ranges.0:'],
    ['credentials: [{ match: "*", username: a }]', 'credentials.0: exactly one of password or passwordFile'],
    [
      'credentials: [{ match: "*", username: a, password: x, passwordFile: /f }]',
      'credentials.0: exactly one',
    ],
    ['cameras: [{ class: lpr }]', 'cameras.0: needs at least one of'],
    ['cameras: [{ rtsp: "rtsp://u:p@10.0.0.1/s" }]', 'cameras.0.rtsp: must not carry a password'],
    ['cameras: [{ address: 10.0.0.300 }]', 'cameras.0.address:'],
  ])('rejects %s naming the field', (extra, expected) => {
    const issues = issuesOf(`${minimal}${extra}\n`);
    expect(
      issues.some((i) => i.startsWith(expected)),
      issues.join('\n'),
    ).toBe(true);
  });

  it('rejects duplicate keys and broken YAML', () => {
    expect(issuesOf(`${minimal}site: { id: again }\n`).length).toBeGreaterThan(0);
    expect(issuesOf('site: [\n').length).toBeGreaterThan(0);
  });

  it('requires site and gateway ids', () => {
    const issues = issuesOf('{}');
    expect(issues).toEqual(
      expect.arrayContaining([expect.stringMatching(/^site:/), expect.stringMatching(/^gateway:/)]),
    );
  });

  it('never echoes a password in a validation error', () => {
    const secret = 'Sup3r-Secret-Value';
    const text = `${minimal}credentials: [{ match: "*", username: a, password: ${secret}, bogus: 1 }]\n`;
    expect(() => parseConfigText(text)).toThrow(ConfigError);
    try {
      parseConfigText(text);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain(secret);
    }
  });

  it('resolves the path from flag, then $CAMGATE_CONFIG, then /etc', () => {
    expect(resolveConfigPath('/a.yaml', { CAMGATE_CONFIG: '/b.yaml' })).toBe('/a.yaml');
    expect(resolveConfigPath(undefined, { CAMGATE_CONFIG: '/b.yaml' })).toBe('/b.yaml');
    expect(resolveConfigPath(undefined, {})).toBe('/etc/camgate/camgate.yaml');
  });

  it('accepts the shipped example config', () => {
    const c = loadConfigFile(path.join(root, 'config/camgate.example.yaml'));
    expect(c.site.id).toBe('korosten-01');
    expect(c.site.planned).toEqual({ overview: 12, panoramic: 2, lpr: 10 });
  });

  it('ships a JSON Schema that matches the zod schema', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(root, 'config/camgate.schema.json'), 'utf8'));
    expect(shipped, 'run `npm run schema` to regenerate config/camgate.schema.json').toEqual(
      configJsonSchema(),
    );
    expect(shipped.additionalProperties).toBe(false);
    expect(shipped.properties.mqtt.properties.url.description).toBe('broker URL');
  });
});
