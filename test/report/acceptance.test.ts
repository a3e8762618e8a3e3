import { afterEach, describe, expect, it } from 'vitest';
import {
  type AcceptanceInput,
  computeAcceptance,
  type HandoverCamera,
  type LiveCameraState,
} from '../../src/report/acceptance/acceptance.js';
import { acceptanceHtml } from '../../src/report/acceptance/html.js';
import type { CameraPictures } from '../../src/report/acceptance/picturesHtml.js';
import { computeReport } from '../../src/report/compute.js';
import { buildReportInput } from '../../src/report/input.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import type { Store } from '../../src/store/store.js';
import { at, iso, siteConfig, siteStore } from './fixture.js';

let store: Store | undefined;
afterEach(() => store?.close());

const camera = (id: string, cls: HandoverCamera['class']): HandoverCamera => ({
  id,
  class: cls,
  address: '127.0.0.5',
  manufacturer: 'Hikvision',
  model: 'DS-2CD2043',
  serial: `SN-${id}`,
  mac: null,
  firstSeenAt: iso(-720),
});

const online = (id: string): LiveCameraState => ({
  cameraId: id,
  status: 'online',
  integrated: true,
  stream: { codec: 'H264', width: 1920, height: 1080, fps: 25 },
  recording: { status: 'off' },
});

function input(overrides: Partial<AcceptanceInput>): AcceptanceInput {
  store = siteStore();
  const repo = new ReportRepo(store.db);
  const rows = { cameras: repo.cameras(), outages: repo.outages(iso(0), iso(24)), boots: repo.boots() };
  const noPlan = { ...siteConfig, site: { id: 'korosten-01', name: 'Korosten centre' } };
  return {
    site: { id: 'korosten-01', name: 'Korosten centre' },
    gatewayId: 'gw-test',
    version: '0.1.0',
    generatedAt: iso(24),
    cameras: [camera('cam-a', 'overview'), camera('cam-b', 'lpr')],
    live: [online('cam-a'), online('cam-b')],
    report: computeReport(buildReportInput(noPlan, rows, { fromMs: at(0), toMs: at(24) }, at(48))),
    checks: [{ name: 'ffmpeg', status: 'ok', detail: 'version 5.1' }],
    ...overrides,
  };
}

describe('computeAcceptance', () => {
  it('accepts a site whose cameras are identified and integrated, with no failed check', () => {
    const doc = computeAcceptance(input({}));
    expect(doc.openItems).toEqual([]);
    expect(doc.accepted).toBe(true);
    expect(doc.cameras[0]).toMatchObject({
      id: 'cam-a',
      stream: 'H264 1920x1080 25 fps',
      uptimePct: 90,
      outages: 2,
    });
    expect(doc.classes.overview).toEqual({ planned: null, installed: 1, missing: null, integrated: 1 });
  });

  it('lists every open item: not integrated, unidentified, under plan, failed check, no daemon', () => {
    const store0 = input({});
    const planned = {
      ...store0.report,
      classes: { ...store0.report.classes, lpr: { ...store0.report.classes.lpr, planned: 10 } },
    };
    const doc = computeAcceptance({
      ...store0,
      report: planned,
      cameras: [...store0.cameras, { ...camera('cam-x', 'overview'), serial: null }],
      live: [
        online('cam-a'),
        { ...online('cam-b'), integrated: false, cause: 'recording_stale', status: 'online' },
      ],
      checks: [{ name: 'broker mqtt://127.0.0.1:1883', status: 'fail', detail: 'ECONNREFUSED' }],
    });
    expect(doc.accepted).toBe(false);
    expect(doc.classes.lpr).toMatchObject({ planned: 10, installed: 1, missing: 9 });
    expect(doc.openItems).toEqual([
      'cam-b: not integrated (recording_stale)',
      'cam-x: not integrated (unknown)',
      'cam-x: no serial number or MAC recorded',
      'lpr: 1 installed of 10 planned',
      'box check broker mqtt://127.0.0.1:1883: ECONNREFUSED',
    ]);
    const noDaemon = computeAcceptance({ ...store0, live: undefined });
    expect(noDaemon.openItems).toEqual(['daemon not running: the current state of the cameras is unknown']);
    expect(noDaemon.cameras[0]?.integrated).toBeNull();
  });

  it('renders a printable sheet with the verdict, escaped ids and signature lines', () => {
    const doc = computeAcceptance(input({ cameras: [camera('<cam>', 'overview')], live: [online('<cam>')] }));
    const html = acceptanceHtml(doc);
    expect(html).toContain('ACCEPTED');
    expect(html).toContain('&#60;cam&#62;');
    expect(html).not.toContain('<cam>');
    expect(html).toContain('Site owner (name, signature, date)');
    expect(html).toContain('@media print');
  });
  it('picture references at handover: a refused or failed one is an open item; the sheet says which camera got one and shows its pictures (issue #17)', () => {
    const base = input({
      cameras: [camera('cam-a', 'overview'), camera('cam-b', 'lpr'), camera('cam-c', 'overview')],
    });
    const doc = computeAcceptance({
      ...base,
      live: [online('cam-a'), online('cam-b'), online('cam-c')],
      pictureReferences: new Map([
        ['cam-a', { status: 'taken', mode: 'day', takenAt: iso(24) }],
        [
          'cam-b',
          {
            status: 'refused',
            reason: 'picture bad at handover (picture_dark; mean luma 3.0, contrast 0.4)',
          },
        ],
        ['cam-c', { status: 'unavailable', reason: 'picture checks disabled (picture.enabled: false)' }],
      ]),
    });
    expect(doc.openItems).toEqual([
      'cam-b: no picture reference (picture bad at handover (picture_dark; mean luma 3.0, contrast 0.4))',
    ]);
    expect(doc.cameras[0]?.pictureReference).toEqual({ status: 'taken', mode: 'day', takenAt: iso(24) });
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const pictures = new Map<string, CameraPictures>([
      [
        'cam-a',
        {
          latest: { at: iso(23), dataUri: png },
          references: [{ mode: 'day', source: 'acceptance', takenAt: iso(24), dataUri: png }],
          referencesWithoutPicture: [],
        },
      ],
      ['cam-b', { latest: { at: iso(23), dataUri: png }, references: [], referencesWithoutPicture: [] }],
      [
        'cam-c',
        {
          latest: null,
          references: [],
          referencesWithoutPicture: [],
          error: 'this daemon does not serve pictures (upgrade it)',
        },
      ],
    ]);
    const html = acceptanceHtml(doc, pictures);
    expect(html).toContain('Picture checks: references and latest samples');
    expect(html).toContain(`picture reference taken at handover (day) ${iso(24)}`);
    expect(html).toContain('picture reference NOT taken: picture bad at handover (picture_dark');
    expect(html).toContain('no reference yet');
    expect(html).toContain('day reference · taken at handover');
    expect(html).toContain('no picture-check pictures (this daemon does not serve pictures (upgrade it))');
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(3);
    // Without a daemon nothing was asked: no section at all.
    expect(acceptanceHtml(computeAcceptance({ ...base, live: undefined }))).not.toContain('Picture checks');
  });
});
