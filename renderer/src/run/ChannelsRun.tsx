/** The run panel's channel list (docs/channels.md): each channel in use, its subscribers here and its last offset. */
import { useStudio } from '../store.ts';

export function ChannelsRun() {
  const channels = useStudio((s) => s.stats?.channels);
  if (!channels || channels.length === 0) return null;
  return (
    <table className="run-channels" data-testid="run-channels">
      <caption className="run-chart__title">Channels</caption>
      <thead>
        <tr>
          <th scope="col">channel</th>
          <th scope="col">service</th>
          <th scope="col">subscribers</th>
          <th scope="col">last offset</th>
        </tr>
      </thead>
      <tbody>
        {channels.map((c) => (
          <tr key={`${c.service}\u0000${c.channel}`} data-testid={`run-channel-${c.channel}`}>
            <td className="mono">{c.channel}</td>
            <td>{c.service}</td>
            <td className="mono">{c.subscribers}</td>
            <td className="mono">{c.lastOffset}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
