import * as assert from 'node:assert/strict';
import { plainL10n } from '../../../src/views/l10n';
import { formatAbsoluteDate, formatRelativeTime, parseServerDate } from '../../../src/views/relativeTime';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const ago = (ms: number) => formatRelativeTime(NOW - ms, NOW, plainL10n);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('relative dates', () => {
  it('reads seconds as "just now", including a server clock slightly ahead', () => {
    assert.equal(ago(5_000), 'just now');
    assert.equal(ago(-90_000), 'just now');
  });

  it('uses singular and plural forms', () => {
    assert.equal(ago(MIN), '1 minute ago');
    assert.equal(ago(59 * MIN), '59 minutes ago');
    assert.equal(ago(HOUR), '1 hour ago');
    assert.equal(ago(5 * HOUR), '5 hours ago');
    assert.equal(ago(DAY + HOUR), 'yesterday');
    assert.equal(ago(3 * DAY), '3 days ago');
    assert.equal(ago(45 * DAY), '1 month ago');
    assert.equal(ago(200 * DAY), '6 months ago');
    assert.equal(ago(400 * DAY), '1 year ago');
    assert.equal(ago(3 * 366 * DAY), '3 years ago');
  });

  it('parses ISO dates and rejects missing or garbage ones', () => {
    assert.equal(parseServerDate('2026-03-15T12:00:00Z'), NOW);
    assert.equal(parseServerDate(null), undefined);
    assert.equal(parseServerDate(undefined), undefined);
    assert.equal(parseServerDate(''), undefined);
    assert.equal(parseServerDate('not a date'), undefined);
  });

  it('formats absolute dates the same way in time zones from UTC-11 to UTC+14', () => {
    // Node applies a TZ assigned at run time to new Date computations.
    const saved = process.env.TZ;
    const zones = ['UTC', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'America/Sao_Paulo', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo', 'Pacific/Kiritimati'];
    const localHours = new Set<number>();
    try {
      for (const zone of zones) {
        process.env.TZ = zone;
        localHours.add(new Date(NOW).getHours());
        assert.equal(formatAbsoluteDate(NOW), '2026-03-15 12:00 UTC', zone);
      }
    } finally {
      if (saved === undefined) {
        delete process.env.TZ;
      } else {
        process.env.TZ = saved;
      }
    }
    // Proof the zones took effect: local clocks disagreed while the formatted date did not.
    assert.equal(localHours.size, zones.length, `local hours ${[...localHours].join(',')}`);
  });
});
