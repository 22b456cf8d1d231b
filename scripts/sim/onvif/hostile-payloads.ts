/**
 * Malformed and hostile XML that a broken or malicious device sends, for the "hostile-xml"
 * fault. A client must survive every one of them: no crash, no hang, no entity expansion, no
 * prototype pollution, and one bad reply must not spoil the good ones.
 */

const BILLION_LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">' +
  '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">' +
  '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">' +
  '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>';

const EXTERNAL_ENTITY = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';

const SOAP_OPEN = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>';
const SOAP_CLOSE = '</s:Body></s:Envelope>';

function deep(levels: number, inner: string): string {
  return '<a>'.repeat(levels) + inner + '</a>'.repeat(levels);
}

/** SOAP replies, each broken in its own way; `answer` is the well-formed body it spoils. */
export function hostileSoapReplies(answer: string): string[] {
  return [
    `${BILLION_LAUGHS}${SOAP_OPEN}<Text>&lol9;</Text>${answer}${SOAP_CLOSE}`,
    `${EXTERNAL_ENTITY}${SOAP_OPEN}<Text>&xxe;</Text>${answer}${SOAP_CLOSE}`,
    // Right local names in the wrong namespaces.
    `<s:Envelope xmlns:s="http://evil.example/soap"><s:Body xmlns:tds="http://evil.example/onvif">${answer}</s:Body></s:Envelope>`,
    `${SOAP_OPEN}${deep(20_000, 'x')}${SOAP_CLOSE}`,
    `${SOAP_OPEN}<__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor>${answer}${SOAP_CLOSE}`,
    // About 3 MB: a client must cap what it reads.
    `${SOAP_OPEN}${`<Junk>${'A'.repeat(1024)}</Junk>`.repeat(3000)}${answer}${SOAP_CLOSE}`,
    `${SOAP_OPEN}${answer.slice(0, Math.floor(answer.length / 2))}`,
    '\u0000\u0001binary garbage, not XML at all\uffff',
  ];
}

export interface ProbeMatchParts {
  readonly relatesTo: string;
  readonly endpoint: string;
  readonly xaddrs: string;
}

function probeMatch(p: ProbeMatchParts, xmlns = 'http://schemas.xmlsoap.org/ws/2005/04/discovery'): string {
  return (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    `xmlns:d="${xmlns}"><s:Header><a:RelatesTo>${p.relatesTo}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch>` +
    `<a:EndpointReference><a:Address>${p.endpoint}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>` +
    `<d:XAddrs>${p.xaddrs}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>`
  );
}

/** WS-Discovery replies a hostile device sends instead of one honest ProbeMatches (about ten). */
export function hostileProbeReplies(p: ProbeMatchParts): Buffer[] {
  const texts = [
    `${BILLION_LAUGHS}${probeMatch({ ...p, endpoint: '&lol9;' })}`,
    `${EXTERNAL_ENTITY}${probeMatch({ ...p, xaddrs: '&xxe;' })}`,
    probeMatch(p, 'http://evil.example/not-discovery'),
    probeMatch({ ...p, xaddrs: 'http://10.255.255.1/onvif/device_service' }),
    probeMatch({ ...p, xaddrs: 'file:///etc/passwd' }),
    probeMatch({ ...p, endpoint: '<__proto__><polluted>yes</polluted></__proto__>' }),
    deep(5_000, probeMatch(p)),
    // Close to the largest UDP datagram: a parser must cap sizes before it parses.
    `<x>${'B'.repeat(60_000)}</x>`,
    probeMatch(p).slice(0, 200),
  ];
  return [...texts.map((t) => Buffer.from(t, 'utf8')), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff])];
}
