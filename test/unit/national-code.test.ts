import { describe, expect, it } from 'vitest';
import { nationalCodePrefix, nextNationalCode, parseNationalCode } from '../../gateway/src/domain/national-code.js';

describe('nationalCodePrefix', () => {
  it.each([
    [{ adminCode: '330106', industryCode: '00', typeCode: '132', networkCode: '6' }, '33010600001326'],
    [{ adminCode: '3301', industryCode: '00', typeCode: '132', networkCode: '6' }, null],
    [{ adminCode: '33010612', industryCode: '51', typeCode: '131', networkCode: '8' }, '33010612511318'],
    [{ adminCode: '3301061', industryCode: '01', typeCode: '132', networkCode: '8' }, '33010610011328'],
    [{ adminCode: '330106123', industryCode: '01', typeCode: '132', networkCode: '8' }, null],
    [{ adminCode: '33a106', industryCode: '01', typeCode: '132', networkCode: '8' }, null],
    [{ adminCode: '330106', industryCode: '1', typeCode: '132', networkCode: '8' }, null],
    [{ adminCode: '330106', industryCode: '01', typeCode: '13', networkCode: '8' }, null],
    [{ adminCode: '330106', industryCode: '01', typeCode: '132', networkCode: '88' }, null],
  ])('%j → %s', (parts, expected) => {
    const result = nationalCodePrefix(parts);
    expect(result.ok ? result.prefix : null).toBe(expected);
  });
});

describe('nextNationalCode', () => {
  it('starts at serial 000001', () => {
    expect(nextNationalCode('33010600001326', 0)).toEqual({ ok: true, code: '33010600001326000001' });
  });

  it('takes the next serial after the highest', () => {
    expect(nextNationalCode('33010600001326', 41)).toEqual({ ok: true, code: '33010600001326000042' });
  });

  it('fails when the prefix has no serial left', () => {
    expect(nextNationalCode('33010600001326', 999_998)).toEqual({ ok: true, code: '33010600001326999999' });
    expect(nextNationalCode('33010600001326', 999_999).ok).toBe(false);
  });

  it('rejects a bad prefix or serial', () => {
    expect(nextNationalCode('3301060000132', 0).ok).toBe(false);
    expect(nextNationalCode('33010600001326', -1).ok).toBe(false);
    expect(nextNationalCode('33010600001326', 1.5).ok).toBe(false);
  });

  it('always produces 20 digits that parse back into their fields', () => {
    for (const serial of [0, 9, 99, 12_344, 999_998]) {
      const result = nextNationalCode('33010612511318', serial);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.code).toMatch(/^[0-9]{20}$/);
      expect(parseNationalCode(result.code)).toEqual({ centre: '33010612', industry: '51', type: '131', network: '8', serial: serial + 1 });
    }
  });
});

describe('parseNationalCode', () => {
  it('refuses anything but 20 digits', () => {
    expect(parseNationalCode('3301061251131800000')).toBeNull();
    expect(parseNationalCode('33010612511318000001x')).toBeNull();
    expect(parseNationalCode('3301061251131800000a')).toBeNull();
  });
});
