import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  QUANTITY_FORMAT_ERROR,
  QUANTITY_NUMERIC_ERROR,
  QUANTITY_SUFFIX_ERROR,
  QuantityParseError,
  addQuantities,
  canonicalQuantity,
  canonicalizeQuantity,
  compareQuantities,
  formatQuantity,
  isValidQuantity,
  newQuantity,
  parseQuantity,
  quantityFromMilli,
  quantityMilliValue,
  quantityToNumber,
  quantityValue,
  subtractQuantities,
  toScaledBigInt,
  type QuantityFormat,
} from './quantity.js';

describe('parseQuantity values (upstream TestQuantityParse)', () => {
  // [input, mantissa, exponent, format]: the value is mantissa × 10^exponent.
  const table: [string, bigint, number, QuantityFormat][] = [
    ['0', 0n, 0, 'DecimalSI'],
    ['0n', 0n, 0, 'DecimalSI'],
    ['0Ki', 0n, 0, 'BinarySI'],
    ['0M', 0n, 0, 'DecimalSI'],
    ['1', 1n, 0, 'DecimalSI'],
    ['1Ki', 1024n, 0, 'BinarySI'],
    ['8Ki', 8n * 1024n, 0, 'BinarySI'],
    ['7Mi', 7n * 1024n ** 2n, 0, 'BinarySI'],
    ['6Gi', 6n * 1024n ** 3n, 0, 'BinarySI'],
    ['5Ti', 5n * 1024n ** 4n, 0, 'BinarySI'],
    ['4Pi', 4n * 1024n ** 5n, 0, 'BinarySI'],
    ['3Ei', 3n * 1024n ** 6n, 0, 'BinarySI'],
    ['5n', 5n, -9, 'DecimalSI'],
    ['4u', 4n, -6, 'DecimalSI'],
    ['3m', 3n, -3, 'DecimalSI'],
    ['8k', 8n, 3, 'DecimalSI'],
    ['50k', 5n, 4, 'DecimalSI'],
    ['40T', 4n, 13, 'DecimalSI'],
    ['1E', 1n, 18, 'DecimalSI'],
    ['1E-3', 1n, -3, 'DecimalExponent'],
    ['1e3', 1n, 3, 'DecimalExponent'],
    ['1E18', 1n, 18, 'DecimalExponent'],
    ['100.035k', 100035n, 0, 'DecimalSI'],
    ['0.001', 1n, -3, 'DecimalSI'],
    ['0.0005k', 5n, -1, 'DecimalSI'],
    ['0.50000', 5n, -1, 'DecimalSI'],
    ['0.5e-2', 5n, -3, 'DecimalExponent'],
    ['1.3E+6', 13n, 5, 'DecimalExponent'],
    ['1.53E12', 153n, 10, 'DecimalExponent'],
    ['6.987654321G', 6987654321n, 0, 'DecimalSI'],
    ['1.01E', 101n, 16, 'DecimalSI'],
    ['3.001n', 4n, -9, 'DecimalSI'],
    ['1.1E-9', 2n, -9, 'DecimalExponent'],
    ['0.0000000001', 1n, -9, 'DecimalSI'],
    ['0.5e-9', 1n, -9, 'DecimalExponent'],
    ['0.9n', 1n, -9, 'DecimalSI'],
    ['0.00000012345', 124n, -9, 'DecimalSI'],
    ['9Ei', 2n ** 63n - 1n, 0, 'BinarySI'],
    ['9223372036854775807Ki', 2n ** 63n - 1n, 0, 'BinarySI'],
    ['12E', 12n, 18, 'DecimalSI'],
    ['100.035Ki', 10243584n, -2, 'BinarySI'],
    ['0.5Mi', 524288n, 0, 'BinarySI'],
    ['0.025Ti', 274877906944n, -1, 'BinarySI'],
    ['0.000000000001Ki', 2n, -9, 'DecimalSI'],
    ['.001', 1n, -3, 'DecimalSI'],
    ['.0001k', 100n, -3, 'DecimalSI'],
    ['1.', 1n, 0, 'DecimalSI'],
    ['1.G', 1n, 9, 'DecimalSI'],
    ['.', 0n, 0, 'DecimalSI'],
  ];
  for (const [input, m, e, format] of table) {
    for (const sign of ['', '-', '+']) {
      const s = sign + input;
      it(s, () => {
        const q = parseQuantity(s);
        const want = newQuantity(sign === '-' ? -m : m, e, format);
        assert.equal(compareQuantities(q, want), 0, `${s} = ${canonicalQuantity(q)}`);
        assert.equal(q.format, format);
      });
    }
  }
});

describe('parseQuantity errors', () => {
  it('reads a lone sign or dot as zero, as upstream does', () => {
    for (const s of ['-.', '+', '-', '-0', '000']) assert.equal(canonicalizeQuantity(s), '0', s);
  });

  const table: [string, string][] = [
    ['', QUANTITY_FORMAT_ERROR],
    ['1.1.M', QUANTITY_FORMAT_ERROR],
    ['1+1.0M', QUANTITY_FORMAT_ERROR],
    ['0.1am', QUANTITY_FORMAT_ERROR],
    ['aoeu', QUANTITY_FORMAT_ERROR],
    [' 1', QUANTITY_FORMAT_ERROR],
    ['1 ', QUANTITY_FORMAT_ERROR],
    ['1MB', QUANTITY_FORMAT_ERROR],
    ['0.1mi', QUANTITY_SUFFIX_ERROR],
    ['.5i', QUANTITY_SUFFIX_ERROR],
    ['1i', QUANTITY_SUFFIX_ERROR],
    ['-3.01i', QUANTITY_SUFFIX_ERROR],
    ['-3.01e-', QUANTITY_SUFFIX_ERROR],
    ['1ki', QUANTITY_SUFFIX_ERROR],
    ['1e', QUANTITY_SUFFIX_ERROR],
    ['.e-20', QUANTITY_NUMERIC_ERROR],
  ];
  for (const [input, msg] of table) {
    it(JSON.stringify(input), () => {
      assert.throws(() => parseQuantity(input), (e: unknown) => e instanceof QuantityParseError && e.message === msg);
      assert.equal(isValidQuantity(input), false);
    });
  }
  it('quotes the upstream regular expression', () => {
    assert.equal(QUANTITY_FORMAT_ERROR, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe('formatting', () => {
  // [input, what kube-apiserver writes back]
  const emitted: [string | number, string][] = [
    ['1000m', '1'],
    ['1024Mi', '1Gi'],
    ['0.5', '500m'],
    ['1Ki', '1Ki'],
    ['1Gi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['5000m', '5'],
    ['0.001T', '1G'],
    ['1000u', '1m'],
    ['1.08', '1080m'],
    ['1080000000n', '1080m'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['00', '0'],
    ['1.5Gi', '1536Mi'],
    ['1.5k', '1500'],
    ['120000', '120k'],
    ['0.5Ki', '512'],
    ['100.035Ki', '102435840m'],
    ['-1.5', '-1500m'],
    ['9Ei', '9223372036854775807'],
    ['1000E', '1000E'],
    [1.5, '1500m'],
    [2, '2'],
    // upstream echoes these verbatim (its int64 fast path keeps the input string)
    ['1E3', '1E3'],
    ['+1', '+1'],
    ['01', '01'],
    ['1.500k', '1.500k'],
    ['5.', '5.'],
    ['1080m', '1080m'],
    ['80e-3', '80e-3'],
    ['1234567m', '1234567m'],
  ];
  for (const [input, want] of emitted) it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(canonicalizeQuantity(input), want));

  it('canonicalQuantity ignores the kept original', () => {
    assert.equal(canonicalQuantity(parseQuantity('1E3')), '1e3');
    assert.equal(canonicalQuantity(parseQuantity('+1')), '1');
    assert.equal(canonicalQuantity(parseQuantity('1.500k')), '1500');
  });

  // NewQuantity / NewMilliQuantity / NewScaledQuantity tables.
  const built: [ReturnType<typeof newQuantity>, string][] = [
    [newQuantity(1), '1'],
    [newQuantity(1000), '1k'],
    [newQuantity(1234000), '1234k'],
    [newQuantity(1024, 0, 'BinarySI'), '1Ki'],
    [newQuantity(1024 * 1024, 0, 'BinarySI'), '1Mi'],
    [newQuantity(1000000, 0, 'DecimalExponent'), '1e6'],
    [newQuantity(1025, 0, 'BinarySI'), '1025'],
    [newQuantity(5, 0, 'BinarySI'), '5'],
    [newQuantity(1, -9), '1n'],
    [newQuantity(1000, -9), '1u'],
    [newQuantity(0, -9), '0'],
    [quantityFromMilli(1), '1m'],
    [quantityFromMilli(1000), '1'],
    [quantityFromMilli(1234000), '1234'],
    [quantityFromMilli(1024, 'BinarySI'), '1024m'],
    [quantityFromMilli(1024 * 1024, 'BinarySI'), '1048576m'],
    [quantityFromMilli(1000000, 'DecimalExponent'), '1e3'],
  ];
  built.forEach(([q, want], i) => it(`built #${i} → ${want}`, () => assert.equal(formatQuantity(q), want)));
});

describe('values and arithmetic', () => {
  it('Value and MilliValue round away from zero', () => {
    const cases: [string, number, number][] = [
      ['100m', 1, 100],
      ['1.5', 2, 1500],
      ['-1.5', -2, -1500],
      ['1n', 1, 1],
      ['2Gi', 2147483648, 2147483648000],
      ['9.01', 10, 9010],
      ['-9.01', -10, -9010],
      ['0', 0, 0],
    ];
    for (const [s, v, mv] of cases) {
      const q = parseQuantity(s);
      assert.equal(quantityValue(q), v, s);
      assert.equal(quantityMilliValue(q), mv, s);
    }
    assert.equal(toScaledBigInt(parseQuantity('9.01'), -1), 91n);
    assert.equal(toScaledBigInt(parseQuantity('9.01'), 2), 1n);
    assert.equal(toScaledBigInt(parseQuantity('-9.01'), 1), -1n);
  });

  it('approximates floats', () => {
    assert.equal(quantityToNumber(parseQuantity('300m')), 0.3);
    assert.equal(quantityToNumber(parseQuantity('1.5Ki')), 1536);
    assert.equal(quantityToNumber(parseQuantity('2e3')), 2000);
  });

  it('compares across formats (upstream TestQuantityCmp)', () => {
    const cases: [string, string, number][] = [
      ['0', '0', 0],
      ['100m', '50m', 1],
      ['50m', '100m', -1],
      ['10000T', '100Gi', 1],
      ['1Ki', '1024', 0],
      ['1k', '1Ki', -1],
    ];
    for (const [a, b, want] of cases) {
      assert.equal(compareQuantities(parseQuantity(a), parseQuantity(b)), want, `${a} vs ${b}`);
      assert.equal(compareQuantities(parseQuantity(b), parseQuantity(a)), -want || 0, `${b} vs ${a}`);
    }
  });

  it('adds and subtracts exactly, keeping the first format', () => {
    const sum = addQuantities(parseQuantity('100m'), parseQuantity('200m'));
    assert.equal(formatQuantity(sum), '300m');
    assert.equal(formatQuantity(addQuantities(parseQuantity('0.1'), parseQuantity('0.2'))), '300m');
    assert.equal(formatQuantity(addQuantities(parseQuantity('1Gi'), parseQuantity('512Mi'))), '1536Mi');
    assert.equal(formatQuantity(addQuantities(parseQuantity('100m'), parseQuantity('0'))), '100m');
    assert.equal(formatQuantity(addQuantities(parseQuantity('1Gi'), parseQuantity('0'))), '1Gi');
    assert.equal(formatQuantity(subtractQuantities(parseQuantity('0'), parseQuantity('100m'))), '-100m');
    assert.equal(formatQuantity(subtractQuantities(parseQuantity('2'), parseQuantity('500m'))), '1500m');
  });
});
