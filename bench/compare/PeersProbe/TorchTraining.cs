using TorchSharp;
using static TorchSharp.torch;

namespace PeersProbe;

/// <summary>
/// The training rows in libtorch, the loop of compare.py's PyTorch side: B streams over random
/// tokens, windows of T timesteps, the state carried across windows (detached), mean cross-entropy,
/// zero_grad, backward, clip_grad_norm_(5), Adam(2e-3). tokens/s = T*B*updates / time, after a tenth
/// as many warm-up updates (at least 2).
/// </summary>
static class TorchTraining
{

    public static Measurement Run(TrainingRow row, int vocab, int layers)
    {
        manual_seed(1);
        var model = new TorchCharRnn(row.Cell, vocab, row.Hidden, layers);
        var optimizer = optim.Adam(model.parameters(), lr: 2e-3);
        var streams = randint(0, vocab, [1_000_000 / row.Batch, row.Batch], dtype: ScalarType.Int64); // [length, B]
        long length = streams.shape[0] - 1;
        Tensor[]? state = null;
        long position = 0;
        double loss = 0;

        void Update()
        {
            using var scope = NewDisposeScope();
            if (position + row.Steps > length)
                (state, position) = (null, 0);
            var x = streams.narrow(0, position, row.Steps);                 // [T, B]
            var y = streams.narrow(0, position + 1, row.Steps);             // [T, B], the next tokens
            position += row.Steps;
            var (logits, next) = model.Forward(x, state);
            var previous = state;
            state = next.Select(s => s.detach().MoveToOuterDisposeScope()).ToArray();
            if (previous is not null)
                foreach (var s in previous) s.Dispose();
            var objective = nn.functional.cross_entropy(logits.view(-1, vocab), y.reshape(-1));
            optimizer.zero_grad();
            objective.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 5.0);
            optimizer.step();
            loss = objective.item<float>();
        }

        for (int i = 0; i < Math.Max(2, row.Updates / 10); i++)
            Update();
        var clock = Clock.Time(() =>
        {
            for (int i = 0; i < row.Updates; i++)
                Update();
        });
        return new Measurement(clock, (double)row.Steps * row.Batch * row.Updates, loss);
    }
}
