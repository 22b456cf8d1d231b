import { NS } from './soap.js';
import { xmlEscape as x } from './xml.js';

/** What a simulated device says about itself. */
export interface DeviceFacts {
  readonly name: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly firmware: string;
  readonly serialNumber: string;
  readonly hardwareId: string;
  readonly serviceUrl: string;
  readonly snapshotBase: string;
  readonly profiles: ReadonlyArray<{
    readonly token: string;
    readonly codec: 'h264' | 'h265';
    readonly width: number;
    readonly height: number;
    readonly fps: number;
    readonly gop: number;
    readonly bitrateKbps: number;
    readonly rtspUrl: string;
  }>;
}

function dateTime(tag: string, d: Date): string {
  return (
    `<tt:${tag}><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:${tag}>`
  );
}

export function systemDateAndTime(now: Date): string {
  const local = new Date(now.getTime() + 8 * 3600_000); // the device sits in UTC+8 (TZ CST-8)
  return (
    '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>' +
    '<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone>' +
    dateTime('UTCDateTime', now) +
    dateTime('LocalDateTime', local) +
    '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>'
  );
}

export function capabilities(f: DeviceFacts): string {
  return (
    '<tds:GetCapabilitiesResponse><tds:Capabilities>' +
    `<tt:Device><tt:XAddr>${x(f.serviceUrl)}</tt:XAddr><tt:System><tt:DiscoveryResolve>true</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye>` +
    '<tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade>' +
    '<tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions></tt:System></tt:Device>' +
    `<tt:Media><tt:XAddr>${x(f.serviceUrl)}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>` +
    '<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>' +
    '</tds:Capabilities></tds:GetCapabilitiesResponse>'
  );
}

export function services(f: DeviceFacts): string {
  const service = (ns: string, major: number, minor: number) =>
    `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${x(f.serviceUrl)}</tds:XAddr>` +
    `<tds:Version><tt:Major>${major}</tt:Major><tt:Minor>${minor}</tt:Minor></tds:Version></tds:Service>`;
  return `<tds:GetServicesResponse>${service(NS.tds, 2, 60)}${service(NS.trt, 2, 60)}</tds:GetServicesResponse>`;
}

export function deviceInformation(f: DeviceFacts): string {
  return (
    `<tds:GetDeviceInformationResponse><tds:Manufacturer>${x(f.manufacturer)}</tds:Manufacturer><tds:Model>${x(f.model)}</tds:Model>` +
    `<tds:FirmwareVersion>${x(f.firmware)}</tds:FirmwareVersion><tds:SerialNumber>${x(f.serialNumber)}</tds:SerialNumber>` +
    `<tds:HardwareId>${x(f.hardwareId)}</tds:HardwareId></tds:GetDeviceInformationResponse>`
  );
}

const VIDEO_SOURCE = 'vs0';

function profile(p: DeviceFacts['profiles'][number], f: DeviceFacts): string {
  const main = f.profiles[0]!;
  const encoding = p.codec === 'h265' ? 'H265' : 'H264';
  return (
    `<trt:Profiles token="${x(p.token)}" fixed="true"><tt:Name>${x(p.token)}</tt:Name>` +
    `<tt:VideoSourceConfiguration token="vsc0"><tt:Name>VideoSource</tt:Name><tt:UseCount>${f.profiles.length}</tt:UseCount>` +
    `<tt:SourceToken>${VIDEO_SOURCE}</tt:SourceToken><tt:Bounds x="0" y="0" width="${main.width}" height="${main.height}"/></tt:VideoSourceConfiguration>` +
    `<tt:VideoEncoderConfiguration token="vec_${x(p.token)}"><tt:Name>${x(p.token)}</tt:Name><tt:UseCount>1</tt:UseCount>` +
    `<tt:Encoding>${encoding}</tt:Encoding><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution>` +
    `<tt:Quality>4</tt:Quality><tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval>` +
    `<tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${p.gop}</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>` +
    '<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port>' +
    '<tt:TTL>5</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast><tt:SessionTimeout>PT60S</tt:SessionTimeout>' +
    '</tt:VideoEncoderConfiguration></trt:Profiles>'
  );
}

export function profiles(f: DeviceFacts): string {
  return `<trt:GetProfilesResponse>${f.profiles.map((p) => profile(p, f)).join('')}</trt:GetProfilesResponse>`;
}

export function videoSources(f: DeviceFacts): string {
  const main = f.profiles[0]!;
  return (
    `<trt:GetVideoSourcesResponse><trt:VideoSources token="${VIDEO_SOURCE}"><tt:Framerate>${main.fps}</tt:Framerate>` +
    `<tt:Resolution><tt:Width>${main.width}</tt:Width><tt:Height>${main.height}</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`
  );
}

function mediaUri(tag: string, uri: string): string {
  return (
    `<trt:${tag}><trt:MediaUri><tt:Uri>${x(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>` +
    `<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:${tag}>`
  );
}

export const streamUri = (uri: string) => mediaUri('GetStreamUriResponse', uri);
export const snapshotUri = (uri: string) => mediaUri('GetSnapshotUriResponse', uri);
