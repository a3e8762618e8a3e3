import { parseServices } from './deviceParsers.js';
import { rewriteHost } from './onvifDevice.js';
import type { SoapClient } from './soapClient.js';
import { NS } from './xml.js';

/**
 * Where a camera's ONVIF search service (Profile G) listens: GetServices on the device service,
 * the entry with the search namespace, its host rewritten to the address that answered (as for
 * every other service; cameras behind NAT list addresses we cannot reach). Undefined: no search
 * service listed. GetCapabilities has no search category before its Extension, so it is not asked.
 */
export async function searchServiceUrl(
  client: Pick<SoapClient, 'call'>,
  deviceXaddr: string,
  address: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const deviceUrl = rewriteHost(deviceXaddr, address);
  const body = `<GetServices xmlns="${NS.tds}"><IncludeCapability>false</IncludeCapability></GetServices>`;
  const resp = await client.call(deviceUrl, 'GetServices', body, { signal });
  const xaddr = parseServices(resp).find((s) => s.namespace === NS.tse)?.xaddr;
  return xaddr ? rewriteHost(xaddr, address) : undefined;
}
