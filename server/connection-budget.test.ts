import { describe, expect, it } from 'vitest';
import { type ConnectionBudget, spend } from './connection-budget';

const THREE_A_MINUTE = { points: 3, seconds: 60 };

describe('a connection budget', () => {
  it('allows the rate within a window and refuses the next, saying how long until the window closes', () => {
    const budget: ConnectionBudget = {};
    expect([0, 1, 2].map((i) => spend(budget, 'ring', THREE_A_MINUTE, 1_000 + i))).toEqual([undefined, undefined, undefined]);
    expect(spend(budget, 'ring', THREE_A_MINUTE, 11_000)).toBe(50_000);
  });

  it('opens a fresh window once the last one has closed', () => {
    const budget: ConnectionBudget = {};
    for (let i = 0; i < 4; i++) spend(budget, 'ring', THREE_A_MINUTE, 0);
    expect(spend(budget, 'ring', THREE_A_MINUTE, 60_000)).toBeUndefined();
  });

  it('counts each event on its own', () => {
    const budget: ConnectionBudget = {};
    for (let i = 0; i < 3; i++) spend(budget, 'ring', THREE_A_MINUTE, 0);
    expect(spend(budget, 'accept', THREE_A_MINUTE, 0)).toBeUndefined();
    expect(spend(budget, 'ring', THREE_A_MINUTE, 0)).toBe(60_000);
  });
});
