import { pick, textOf } from './untrusted-xml.js';
import { soapCall, type OnvifCredentials, type SoapOptions } from './onvif-soap.client.js';
import type { ProbeReason } from '../../domain/health-state.js';

const TDS = 'http://www.onvif.org/ver10/device/wsdl';

export type OnvifOutcome<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly reason: ProbeReason; readonly message: string };

/** GetSystemDateAndTime needs no credentials (ONVIF Core §5.9.1): the device's UTC clock. */
export async function getSystemDateAndTime(url: string, options: SoapOptions): Promise<OnvifOutcome<{ readonly deviceTime: Date }>> {
  const result = await soapCall(url, `<GetSystemDateAndTime xmlns="${TDS}"/>`, null, options);
  if (!result.ok) return result;
  const utc = pick(result.body, 'GetSystemDateAndTimeResponse', 'SystemDateAndTime', 'UTCDateTime');
  const n = (...path: string[]) => Number(textOf(pick(utc, ...path)));
  const time = Date.UTC(n('Date', 'Year'), n('Date', 'Month') - 1, n('Date', 'Day'), n('Time', 'Hour'), n('Time', 'Minute'), n('Time', 'Second'));
  if (!Number.isFinite(time)) return { ok: false, reason: 'onvif_fault', message: 'GetSystemDateAndTime without a UTC date and time' };
  return { ok: true, deviceTime: new Date(time) };
}

export interface DeviceInformation {
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly serialNumber: string | null;
  readonly hardwareId: string | null;
}

export async function getDeviceInformation(url: string, credentials: OnvifCredentials | null, options: SoapOptions): Promise<OnvifOutcome<{ readonly info: DeviceInformation }>> {
  const result = await soapCall(url, `<GetDeviceInformation xmlns="${TDS}"/>`, credentials, options);
  if (!result.ok) return result;
  const info = pick(result.body, 'GetDeviceInformationResponse');
  if (typeof info !== 'object' || info === null) return { ok: false, reason: 'onvif_fault', message: 'no GetDeviceInformationResponse' };
  const field = (name: string) => textOf(pick(info, name)) ?? null;
  return {
    ok: true,
    info: { manufacturer: field('Manufacturer'), model: field('Model'), firmware: field('FirmwareVersion'), serialNumber: field('SerialNumber'), hardwareId: field('HardwareId') },
  };
}
