import { describe, expect, it } from 'vitest';
import { aspectRatioOf, justifiedLayout, type JustifiedLayout } from './justified-layout.js';

const desktop = { containerWidth: 1000, targetRowHeight: 200, gap: 4 };

function rowWidth(layout: JustifiedLayout, row: number): number {
  const boxes = layout.rows[row].boxes;
  const last = boxes[boxes.length - 1];
  return last.left + last.width;
}

describe('justifiedLayout', () => {
  it('lays out nothing as nothing', () => {
    expect(justifiedLayout([], desktop)).toEqual({ rows: [], height: 0 });
  });

  it('fills every row but the last to the exact container width, boxes separated by the gap', () => {
    const ratios = [1.5, 0.75, 1.33, 1, 1.78, 1.5, 0.66, 1.33, 1.5, 1, 1.78, 0.75, 1.5];
    const layout = justifiedLayout(ratios, desktop);
    expect(layout.rows.length).toBeGreaterThan(1);
    for (let r = 0; r < layout.rows.length - 1; r++) {
      expect(rowWidth(layout, r)).toBe(1000);
      const boxes = layout.rows[r].boxes;
      for (let i = 1; i < boxes.length; i++) expect(boxes[i].left).toBe(boxes[i - 1].left + boxes[i - 1].width + 4);
    }
  });

  it('keeps every box once, in order', () => {
    const ratios = Array.from({ length: 57 }, (_, i) => [1.5, 0.75, 1, 1.78][i % 4]);
    const layout = justifiedLayout(ratios, desktop);
    expect(layout.rows.flatMap((row) => row.boxes.map((b) => b.index))).toEqual(ratios.map((_, i) => i));
  });

  it('keeps full rows near the target height', () => {
    const ratios = Array.from({ length: 200 }, (_, i) => [1.5, 0.75, 1.33, 1, 1.78][i % 5]);
    const layout = justifiedLayout(ratios, desktop);
    for (const row of layout.rows.slice(0, -1)) {
      expect(row.height).toBeGreaterThan(140);
      expect(row.height).toBeLessThan(300);
    }
  });

  it('keeps box widths proportional to their aspect ratios within a row', () => {
    const layout = justifiedLayout([2, 1, 1, 2, 1], desktop);
    const [a, b] = layout.rows[0].boxes;
    expect(a.width / b.width).toBeCloseTo(2, 1);
  });

  it('does not stretch a short last row: it stays at the target height, left-aligned', () => {
    const layout = justifiedLayout([1, 1], desktop);
    expect(layout.rows).toHaveLength(1);
    expect(layout.rows[0].height).toBe(200);
    expect(layout.rows[0].boxes.map((b) => [b.left, b.width])).toEqual([
      [0, 200],
      [204, 200],
    ]);
    expect(layout.height).toBe(200);
  });

  it('stacks rows with the gap between them and reports the total height', () => {
    const layout = justifiedLayout(Array(20).fill(1), { containerWidth: 412, targetRowHeight: 100, gap: 4 });
    expect(layout.rows[0].boxes).toHaveLength(4);
    expect(layout.rows[1].top).toBe(layout.rows[0].height + 4);
    const last = layout.rows[layout.rows.length - 1];
    expect(layout.height).toBe(last.top + last.height);
  });

  it('clamps a panorama so its row keeps a usable height', () => {
    const layout = justifiedLayout([10, 1, 1, 1], { containerWidth: 390, targetRowHeight: 110, gap: 2 });
    const row = layout.rows[0];
    expect(row.height).toBeGreaterThan(80);
    expect(row.boxes[0].width / row.height).toBeCloseTo(3, 1);
    expect(rowWidth(layout, 0)).toBe(390);
  });

  it('treats unknown or broken sizes as ordinary boxes', () => {
    expect(aspectRatioOf(null, null)).toBeCloseTo(4 / 3);
    expect(aspectRatioOf(4000, 3000)).toBeCloseTo(4 / 3);
    const layout = justifiedLayout([Number.NaN, 0, -1, Infinity], desktop);
    expect(layout.rows.flatMap((r) => r.boxes)).toHaveLength(4);
    for (const box of layout.rows.flatMap((r) => r.boxes)) expect(box.width).toBeGreaterThan(0);
  });
});
