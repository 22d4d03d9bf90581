/**
 * Customer key used to group conversations: external contact id when present, else the normalized
 * address (phone number reduced to + and digits, SIP host dropped, e-mail and handles lower-cased).
 */
export function customerKey(externalContactId: string | null, address: string | null): string | null {
  if (externalContactId?.trim()) return `contact:${externalContactId.trim()}`;
  const normalized = address ? normalizeAddress(address) : null;
  return normalized ? `address:${normalized}` : null;
}

export function normalizeAddress(address: string): string | null {
  let s = address.trim().replace(/^(tel|sip|sips|mailto):/i, '');
  const phoneAtHost = /^(\+?[\d\s().-]+)@/.exec(s);
  if (phoneAtHost?.[1]) s = phoneAtHost[1];
  if (/^\+?[\d\s().-]+$/.test(s)) {
    const digits = s.replace(/\D/g, '');
    if (!digits) return null;
    return (s.startsWith('+') ? '+' : '') + digits;
  }
  return s.toLowerCase() || null;
}
