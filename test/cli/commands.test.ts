/** The command table loads each command on first use; its names must be the commands' own. */
import { COMMANDS } from '../../cli/main';

test('each entry of the command table loads the command of its name', () => {
  expect(COMMANDS.map((c) => c.load().name)).toEqual(COMMANDS.map((c) => c.name));
});
