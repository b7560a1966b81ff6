/**
 * Validations remember their answer for one validation pass and only for it: fast (each check's work once per pass)
 * and never stale (a change between two synths, even one that adds no construct, is seen by the next).
 */
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { K3sDev } from '../../charts';
import { ComponentId } from '../../lib/contract/types';
import { passOf, rememberWhileUnchanged } from '../../lib/core/validation-memo';

describe('rememberWhileUnchanged', () => {
  test('computes once per validation pass, again in the next pass, whatever the tree\'s size', () => {
    const app = Testing.app();
    const key = {};
    let runs = 0;
    const compute = () => ++runs;
    new Construct(app, 'Reader').node.addValidation({ validate: () => { rememberWhileUnchanged(key, app, compute); rememberWhileUnchanged(key, app, compute); return []; } });
    app.synth();
    expect(runs).toBe(1);
    app.synth();
    expect(runs).toBe(2);
  });

  test('keys are independent', () => {
    const app = Testing.app();
    expect(rememberWhileUnchanged({}, app, () => 'a')).toBe('a');
    expect(rememberWhileUnchanged({}, app, () => 'b')).toBe('b');
  });

  test('the pass count moves once per cdk8s validation of the app', () => {
    const app = Testing.app();
    const before = passOf(app);
    app.synth();
    expect(passOf(app)).toBe(before + 1);
  });
});

test('a JSON patch added after a first synth (no new construct) is seen by the doctor on the next synth', () => {
  const app = Testing.app();
  const chart = new K3sDev(app, 'k3s-dev');
  expect(() => Testing.synth(chart)).not.toThrow();
  const api = ApiObject.of(chart.controlPlane.serviceOf(ComponentId.API));
  api.addJsonPatch(JsonPatch.replace('/spec/ports/0/port', 8081));
  expect(() => Testing.synth(chart)).toThrow(new RegExp(`\\[doctor:edge\\] .*Service '${api.metadata.name}' does not publish port 8080`));
});
