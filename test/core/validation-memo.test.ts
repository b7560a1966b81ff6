/** Validations run once per tree state: the guard that keeps synth linear in the number of control planes. */
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { rememberWhileUnchanged } from '../../lib/core/validation-memo';

describe('rememberWhileUnchanged', () => {
  test('computes once while the tree keeps its size, again once it grows', () => {
    const app = Testing.app();
    const key = {};
    let runs = 0;
    const compute = () => ++runs;
    expect(rememberWhileUnchanged(key, app, compute)).toBe(1);
    expect(rememberWhileUnchanged(key, app, compute)).toBe(1);
    new Construct(app, 'More');
    expect(rememberWhileUnchanged(key, app, compute)).toBe(2);
  });

  test('keys are independent', () => {
    const app = Testing.app();
    expect(rememberWhileUnchanged({}, app, () => 'a')).toBe('a');
    expect(rememberWhileUnchanged({}, app, () => 'b')).toBe('b');
  });
});
