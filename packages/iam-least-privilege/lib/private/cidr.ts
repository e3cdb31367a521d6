/**
 * A strict CIDR parser: what IAM's IpAddress / NotIpAddress compare aws:SourceIp against.
 * No aws-cdk-lib import.
 */

/** A parsed CIDR range. */
export interface ParsedCidr {
  readonly version: 4 | 6;
  /** The prefix length: 0 means every address of the family, whatever the base address. */
  readonly prefixLength: number;
}

/** A dotted IPv4 address: four decimal octets 0-255, no leading zeros (which some parsers read as octal). */
function isIpv4Address(address: string): boolean {
  const octets = address.split('.');
  return octets.length === 4 && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255);
}

/** An IPv6 address in RFC 4291 text form (at most one `::`, 1-4 hex digits a group, an optional dotted IPv4 tail), no zone. */
function isIpv6Address(address: string): boolean {
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const groups = halves.flatMap(groupsOf);
  let count = groups.length;
  const last = groups[groups.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4Address(last)) return false;
    groups.pop();
    count += 1; // an IPv4 tail is two groups
  }
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** Parses `address/prefix`; undefined when it is not a valid IPv4 or IPv6 CIDR range. */
export function parseCidr(cidr: string): ParsedCidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const [, address, prefix] = m;
  const prefixLength = Number(prefix);
  // '/00' is read as 0 (every address), so it is not rejected as malformed but as a prefix of 0.
  if (prefixLength !== 0 && prefix.startsWith('0')) return undefined;
  if (isIpv4Address(address)) return prefixLength <= 32 ? { version: 4, prefixLength } : undefined;
  if (address.includes(':') && isIpv6Address(address)) return prefixLength <= 128 ? { version: 6, prefixLength } : undefined;
  return undefined;
}
