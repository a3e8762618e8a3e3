import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCentreConfig } from '../../src/centre/config.js';
import { parseCsv } from '../../src/centre/csv.js';
import {
  loadRegistry,
  parseRegistryCsv,
  parseRegistryYaml,
  RegistryError,
} from '../../src/centre/registry.js';

const HEAD =
  'id,name,region,district,kind,planned_overview,planned_panoramic,planned_lpr,comms_provider,contract_end,contractor';

describe('site registry', () => {
  it('reads a spreadsheet CSV: quoted names with commas, BOM, CRLF, empty cells take defaults', () => {
    const text = `\ufeff${HEAD}\r\nsch-001,"School No. 1, Uralsk",West Kazakhstan,Uralsk,school,4,0,1,KazTel,2026-03-31,"Alarm ""Plus"" LLP"\r\nst-7,Street 7,Almaty region,,street,,,,,,\r\n`;
    const r = parseRegistryCsv(text);
    expect(r.sites).toHaveLength(2);
    expect(r.byId.get('sch-001')).toMatchObject({
      name: 'School No. 1, Uralsk',
      planned: { overview: 4, panoramic: 0, lpr: 1 },
      contractEnd: '2026-03-31',
      contractor: 'Alarm "Plus" LLP',
    });
    expect(r.byId.get('st-7')).toMatchObject({
      district: '',
      planned: { overview: 0, panoramic: 0, lpr: 0 },
      contractEnd: null,
    });
  });

  it('names every bad row by line and field', () => {
    const text = [
      HEAD,
      'ok-1,One,R,D,school,1,0,0,P,2026-01-01,C',
      'bad id!,Two,R,D,school,1,0,0,P,2026-01-01,C',
      'ok-3,Three,R,D,School,x,0,0,P,2026-02-30,C',
      'ok-1,Dup,R,D,school,1,0,0,P,,C',
    ].join('\n');
    let err: unknown;
    try {
      parseRegistryCsv(text, 'sites.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RegistryError);
    const issues = (err as RegistryError).issues.map((i) => `${i.line}:${i.field}`);
    expect(issues).toEqual(['3:id', '4:kind', '4:planned.overview', '4:contractEnd', '5:id']);
    expect((err as Error).message).toContain('sites.csv: invalid site registry');
    expect((err as Error).message).toContain("line 5: id: duplicate site id 'ok-1' (first on line 2)");
  });

  it('rejects unknown and missing columns on the header line', () => {
    expect(() => parseRegistryCsv('id,name,region,colour\n')).toThrow(
      /line 1: colour: unknown column[\s\S]*line 1: kind: missing column/,
    );
  });

  it('counts lines through quoted newlines', () => {
    const recs = parseCsv('a,b\n"x\ny",z\nq,r\n');
    expect(recs[1]).toEqual({ line: 2, fields: ['x\ny', 'z'] });
    expect(recs[2]).toEqual({ line: 4, fields: ['q', 'r'] });
    expect(() => parseCsv('a\n"open')).toThrow(/line 2: unterminated/);
  });

  it('reads YAML with line numbers of bad entries', () => {
    const good = parseRegistryYaml(
      'sites:\n  - { id: s1, name: S1, region: R, kind: school, planned: { overview: 2 } }\n',
    );
    expect(good.sites[0]?.planned).toEqual({ overview: 2, panoramic: 0, lpr: 0 });
    const yaml =
      'sites:\n  - id: s1\n    name: S1\n    region: R\n    kind: school\n  - id: s2\n    name: S2\n    kind: school\n    colour: red\n';
    expect(() => parseRegistryYaml(yaml, 'r.yaml')).toThrow(
      /line 6: region: .*\n.*line 6: colour: unknown key/,
    );
  });

  it('exits as a configuration error (exit 2 class) for a missing file', () => {
    const file = path.join(os.tmpdir(), `camgate-no-registry-${process.pid}.csv`);
    expect(() => loadRegistry(file)).toThrow(/cannot read site registry \(ENOENT\)/);
    fs.rmSync(file, { force: true });
  });
});

describe('centre.yaml', () => {
  it('fills defaults and rejects unknown keys by path', () => {
    const c = parseCentreConfig('mqtt: { url: "mqtt://127.0.0.1:1883" }\nregistry: sites.csv\n');
    expect(c.http).toEqual({ bind: '127.0.0.1', port: 8480 });
    expect(c.store.driver).toBe('sqlite');
    expect(c.mqtt.clientId).toBe('camgate-centre');
    expect(() => parseCentreConfig('mqtt: { url: "mqtt://x", colour: 1 }\nregistry: s.csv\n')).toThrow(
      /mqtt.colour: unknown key/,
    );
    expect(() =>
      parseCentreConfig('mqtt: { url: "mqtt://x" }\nregistry: s.csv\nstore: { driver: postgres }\n'),
    ).toThrow(/store.url: url is required with driver: postgres/);
  });
});
