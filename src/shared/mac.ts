/**
 * A MAC address as `00:1c:27:aa:bb:cc`, whatever separators and case it came with (ONVIF
 * HwAddress, a technician's `00-1C-27-AA-BB-CC`, a label's `001c.27aa.bbcc`); undefined unless it
 * holds exactly 12 hex digits.
 */
export function normaliseMac(value: string | undefined): string | undefined {
  const hex = value?.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  if (hex?.length !== 12) return undefined;
  return hex.match(/../g)?.join(':');
}
