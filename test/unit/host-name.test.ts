import { describe, expect, it } from 'vitest';
import { normaliseHost } from '../../gateway/src/domain/host-name.js';
import { normaliseMac } from '../../gateway/src/domain/catalog.js';

describe('normaliseHost', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['Cam.Example.ORG', 'cam.example.org'],
    ['localhost', 'localhost'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7', null],
    ['1::2::3', null],
    ['', null],
    ['a..b', null],
    ['-a.example', null],
    ['a-.example', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['0177.0.0.1', null],
  ])('%j → %j', (input, expected) => {
    expect(normaliseHost(input)).toBe(expected);
  });
});

describe('normaliseMac', () => {
  it.each([
    ['00-1A-2B-3C-4D-5E', '00:1a:2b:3c:4d:5e'],
    ['001a.2b3c.4d5e', '00:1a:2b:3c:4d:5e'],
    ['001A2B3C4D5E', '00:1a:2b:3c:4d:5e'],
    ['00:1a:2b:3c:4d', null],
    ['zz:1a:2b:3c:4d:5e', null],
  ])('%j → %j', (input, expected) => {
    expect(normaliseMac(input)).toBe(expected);
  });
});
