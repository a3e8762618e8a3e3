import { describe, expect, it } from 'vitest';
import { withCredentials } from '../../src/shared/urlCredentials.js';

describe('withCredentials', () => {
  it.each([
    ['admin', 'hunter2'],
    ['ad@min', 'p%41ss'], // `%` must reach the camera as `%`, not start an escape
    ['user:1', 'a@b:c/d?e#f g'],
    ['ユーザー', 'pässwörd'],
  ])('puts %s / %s in the userinfo so that the camera gets them back unchanged', (username, password) => {
    const url = new URL(
      withCredentials('rtsp://10.0.0.5:554/Streaming/101?transport=tcp', { username, password }),
    );
    expect(decodeURIComponent(url.username)).toBe(username);
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(`${url.host}${url.pathname}${url.search}`).toBe('10.0.0.5:554/Streaming/101?transport=tcp');
  });

  it('leaves the URL alone without a credential', () => {
    expect(withCredentials('rtsp://10.0.0.5/s', undefined)).toBe('rtsp://10.0.0.5/s');
  });
});
