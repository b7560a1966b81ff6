/** planCapacity reproduces the sizing table (docs/variants.md, "Capacity") and extends it past 200 users by the stated formula. */
import { planCapacity } from '../../lib/planner/capacity';

describe('planCapacity', () => {
  test.each([
    [1, 1, 1, 10], [10, 1, 1, 10],
    [11, 3, 3, 50], [50, 3, 3, 50],
    [51, 5, 10, 200], [200, 5, 10, 200],
  ])('%i users: %i nodes, %i agent VMs, %i Gi (the sizing table)', (users, nodes, agents, storage) => {
    expect(planCapacity({ concurrentUsers: users })).toMatchObject({ k3sNodes: nodes, agentVms: agents, databaseStorageGi: storage });
  });

  test('past 200 users the formula continues the largest row', () => {
    expect(planCapacity({ concurrentUsers: 201 })).toEqual({ concurrentUsers: 201, k3sNodes: 6, agentVms: 11, databaseStorageGi: 210, basis: 'formula' });
    expect(planCapacity({ concurrentUsers: 1000 })).toMatchObject({ k3sNodes: 25, agentVms: 50, databaseStorageGi: 1000 });
  });

  test('never fewer resources for more users', () => {
    let last = planCapacity({ concurrentUsers: 1 });
    for (let u = 2; u <= 2000; u++) {
      const p = planCapacity({ concurrentUsers: u });
      expect(p.k3sNodes >= last.k3sNodes && p.agentVms >= last.agentVms && p.databaseStorageGi >= last.databaseStorageGi).toBe(true);
      last = p;
    }
  });

  test.each([[-5], [0], [2.5], [NaN], ['50' as any]])('%p users is refused with the prop and what is accepted', (users) => {
    expect(() => planCapacity({ concurrentUsers: users })).toThrow(/^planCapacity concurrentUsers: .* is not accepted; pass a whole number of users from 1 to 100000$/);
  });
});
