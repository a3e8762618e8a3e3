import { describe, expect, it } from 'vitest';
import { PlateTopics } from '../../src/lpr/plateTopics.js';

describe('PlateTopics', () => {
  const topics = PlateTopics.withExtra([]);

  it.each([
    'tns1:RuleEngine/LicensePlateDetector/Plate',
    'tns1:RuleEngine/Recognition/LicensePlate',
    'tns1:RuleEngine/LicensePlateRecognition/PlateRead',
    'tns1:RuleEngine/VehicleDetector/tnshik:Vehicle',
    'tnsaxis:CameraApplicationPlatform/LicensePlateVerifier/LicensePlateVerifier',
    'tns1:VideoAnalytics/tnsvendor:LicensePlateRead',
    'tnsvendor:Traffic/ANPR',
    'ns:ruleengine/recognition/licenseplate',
  ])('%s is a plate read', (t) => {
    expect(topics.match(t)).toBeDefined();
  });

  it.each([
    'tns1:VideoSource/MotionAlarm',
    'tns1:RuleEngine/CellMotionDetector/Motion',
    'tns1:RuleEngine/FieldDetector/ObjectsInside',
    'tns1:RuleEngine/TamperDetector/Tamper',
    'tns1:Device/Trigger/DigitalInput',
    'tns1:RecordingConfig/JobState',
    'tns1:RuleEngine/VehicleDetector/VehicleCount',
  ])('%s is not', (t) => {
    expect(topics.match(t)).toBeUndefined();
  });

  it('config adds vendor names; the pattern that matched is named', () => {
    const withDahua = PlateTopics.withExtra(['tns1:RuleEngine/TrafficJunction']);
    expect(topics.match('tns1:RuleEngine/TrafficJunction')).toBeUndefined();
    expect(withDahua.match('tns1:RuleEngine/TrafficJunction')).toBe('tns1:RuleEngine/TrafficJunction');
    expect(withDahua.select(['tns1:VideoSource/MotionAlarm', 'tns1:RuleEngine/TrafficJunction'])).toEqual([
      'tns1:RuleEngine/TrafficJunction',
    ]);
  });

  it('regex characters in a configured name are literal', () => {
    const t = PlateTopics.withExtra(['tns1:Plates/(A+B)']);
    expect(t.match('tns1:Plates/(A+B)')).toBe('tns1:Plates/(A+B)');
    expect(t.match('tns1:Plates/AAB')).toBeUndefined();
  });
});

describe('PlateTopics on vendor roots as GetEventProperties gives them', () => {
  it('{namespace}Root/... is matched by segment names', () => {
    const t = PlateTopics.withExtra([]);
    expect(
      t.match('{http://www.axis.com/2009/event/topics}CameraApplicationPlatform/LicensePlateVerifier/LPV'),
    ).toBeDefined();
    expect(
      t.match('{http://www.axis.com/2009/event/topics}CameraApplicationPlatform/VMD/Camera1Profile1'),
    ).toBeUndefined();
  });
});
