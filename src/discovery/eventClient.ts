import { parseEventTopics, parseServices } from './deviceParsers.js';
import {
  type PullMessagesResult,
  type PullPointSubscription,
  parsePullMessages,
  parseRenew,
  parseSubscription,
  type RenewResult,
  WSNT,
} from './eventParsers.js';
import { rewriteHost } from './onvifDevice.js';
import type { SoapClient } from './soapClient.js';
import { NS } from './xml.js';

/** The one method of SoapClient the event calls need (tests may pass a recording wrapper). */
export type SoapCaller = Pick<SoapClient, 'call'>;

/**
 * ONVIF event service, PullPoint flavour (ONVIF Core §9.3): what a camera offers
 * (GetEventProperties), a subscription (CreatePullPointSubscription), its messages (PullMessages),
 * Renew and Unsubscribe. Every call goes through the bounded SoapClient (deadline, size cap, Digest
 * or WS-Security). Addresses the camera hands back get the host that answered (cameras behind NAT,
 * and the corpus DVC writes its own address into the subscription reference).
 */
export class EventClient {
  constructor(
    private readonly soap: SoapCaller,
    /** The address the camera answers on: every URL it hands back is rewritten to it. */
    private readonly address: string,
  ) {}

  /** The event service's XAddr from GetServices, else the device service (which many devices also answer events on). */
  async serviceUrl(deviceXaddr: string, signal?: AbortSignal): Promise<string> {
    const deviceUrl = rewriteHost(deviceXaddr, this.address);
    const body = `<GetServices xmlns="${NS.tds}"><IncludeCapability>false</IncludeCapability></GetServices>`;
    const resp = await this.soap.call(deviceUrl, 'GetServices', body, { signal });
    const xaddr = parseServices(resp).find((s) => s.namespace === NS.tev)?.xaddr;
    return xaddr ? rewriteHost(xaddr, this.address) : deviceUrl;
  }

  async topics(serviceUrl: string, signal?: AbortSignal): Promise<string[]> {
    const resp = await this.soap.call(
      serviceUrl,
      'GetEventProperties',
      `<GetEventProperties xmlns="${NS.tev}"/>`,
      {
        signal,
      },
    );
    return parseEventTopics(resp);
  }

  /** Without a filter: topic expressions differ between vendors, so matching is ours (plateTopics.ts). */
  async subscribe(
    serviceUrl: string,
    terminationSeconds: number,
    signal?: AbortSignal,
  ): Promise<PullPointSubscription> {
    const body =
      `<CreatePullPointSubscription xmlns="${NS.tev}">` +
      `<InitialTerminationTime>PT${terminationSeconds}S</InitialTerminationTime></CreatePullPointSubscription>`;
    const sub = parseSubscription(
      await this.soap.call(serviceUrl, 'CreatePullPointSubscription', body, { signal }),
    );
    return { ...sub, address: rewriteHost(sub.address, this.address) };
  }

  async pull(
    subscriptionUrl: string,
    timeoutSeconds: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<PullMessagesResult> {
    const body =
      `<PullMessages xmlns="${NS.tev}"><Timeout>PT${timeoutSeconds}S</Timeout>` +
      `<MessageLimit>${limit}</MessageLimit></PullMessages>`;
    return parsePullMessages(await this.soap.call(subscriptionUrl, 'PullMessages', body, { signal }));
  }

  /** The new termination time the camera granted and its clock when it answered, when it says. */
  async renew(
    subscriptionUrl: string,
    terminationSeconds: number,
    signal?: AbortSignal,
  ): Promise<RenewResult> {
    const body = `<Renew xmlns="${WSNT}"><TerminationTime>PT${terminationSeconds}S</TerminationTime></Renew>`;
    return parseRenew(await this.soap.call(subscriptionUrl, 'Renew', body, { signal }));
  }

  async unsubscribe(subscriptionUrl: string, signal?: AbortSignal): Promise<void> {
    await this.soap.call(subscriptionUrl, 'Unsubscribe', `<Unsubscribe xmlns="${WSNT}"/>`, { signal });
  }
}
