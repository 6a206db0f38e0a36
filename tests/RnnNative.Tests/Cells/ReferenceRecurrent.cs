using RnnNative.Cells;

namespace RnnNative.Tests.Cells;

/// <summary>
/// PyTorch's nn.RNN / nn.LSTM / nn.GRU forward (bidirectional too) written from the formulas in double
/// precision with plain loops, independent of the engine: the oracle for forward values and, through
/// central differences, for gradients. Tensors are found by their PyTorch names. With per-sequence lengths
/// each sequence runs its own timesteps only (the reverse direction from its last), as a packed sequence:
/// outputs past a length stay 0 and the final states are those after the sequence's last timestep.
/// </summary>
internal static class ReferenceRecurrent
{
    public sealed record Result(double[] Output, double[] FinalHidden, double[] FinalCell);

    public static Result Forward(RecurrentConfig config, IReadOnlyList<ParameterTensor> tensors, double[] parameters, double[] input, int steps, int batch, double[] initialHidden, double[] initialCell, int[]? lengths = null)
    {
        int hidden = config.HiddenSize, width = config.OutputSize;
        double[] layerInput = input;
        double[] finalHidden = new double[config.StateLayers * batch * hidden];
        double[] finalCell = new double[config.StateLayers * batch * hidden];
        for (int layer = 0; layer < config.Layers; layer++)
        {
            // output[t, b] = [h_forward; h_backward]: direction d fills columns [d*H, (d+1)*H)
            double[] output = new double[steps * batch * width];
            for (int direction = 0; direction < config.Directions; direction++)
            {
                Direction(config, tensors, parameters, layerInput, steps, batch, initialHidden, initialCell, layer, direction, output, finalHidden, finalCell, lengths);
            }
            layerInput = output;
        }
        return new Result(layerInput, finalHidden, finalCell);
    }

    /// <summary>One direction of one layer: time forwards (direction 0) or backwards (1), state slot layer*D + direction.</summary>
    private static void Direction(RecurrentConfig config, IReadOnlyList<ParameterTensor> tensors, double[] parameters, double[] layerInput, int steps, int batch,
        double[] initialHidden, double[] initialCell, int layer, int direction, double[] output, double[] finalHidden, double[] finalCell, int[]? lengths)
    {
        int hidden = config.HiddenSize, gates = config.GateCount * hidden, width = config.OutputSize;
        int inputSize = config.LayerInputSize(layer), slot = layer * config.Directions + direction;
        string suffix = direction == 0 ? "" : "_reverse";
        double WeightIh(int row, int column) => parameters[Find(tensors, $"weight_ih_l{layer}{suffix}").Offset + row * inputSize + column];
        double WeightHh(int row, int column) => parameters[Find(tensors, $"weight_hh_l{layer}{suffix}").Offset + row * hidden + column];
        double BiasIh(int row) => parameters[Find(tensors, $"bias_ih_l{layer}{suffix}").Offset + row];
        double BiasHh(int row) => parameters[Find(tensors, $"bias_hh_l{layer}{suffix}").Offset + row];

        for (int b = 0; b < batch; b++)
        {
            double[] h = new double[hidden], c = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                h[j] = initialHidden[(slot * batch + b) * hidden + j];
                c[j] = initialCell[(slot * batch + b) * hidden + j];
            }
            int length = lengths?[b] ?? steps;
            for (int step = 0; step < length; step++)
            {
                int t = direction == 0 ? step : length - 1 - step;
                // pre = W_ih x + b_ih + W_hh h + b_hh, and its two sides apart (GRU)
                double[] pre = new double[gates], inputSide = new double[gates], recurrentSide = new double[gates];
                for (int row = 0; row < gates; row++)
                {
                    double x = BiasIh(row), r = BiasHh(row);
                    for (int k = 0; k < inputSize; k++) x += WeightIh(row, k) * layerInput[(t * batch + b) * inputSize + k];
                    for (int k = 0; k < hidden; k++) r += WeightHh(row, k) * h[k];
                    (inputSide[row], recurrentSide[row], pre[row]) = (x, r, x + r);
                }
                for (int j = 0; j < hidden; j++)
                {
                    if (config.Cell == CellType.Gru)
                    {
                        double r = Sigmoid(pre[j]), z = Sigmoid(pre[hidden + j]);
                        double n = Math.Tanh(inputSide[2 * hidden + j] + r * recurrentSide[2 * hidden + j]);
                        h[j] = (1 - z) * n + z * h[j];
                    }
                    else if (config.Cell == CellType.Lstm)
                    {
                        double i = Sigmoid(pre[j]), f = Sigmoid(pre[hidden + j]), g = Math.Tanh(pre[2 * hidden + j]), o = Sigmoid(pre[3 * hidden + j]);
                        c[j] = f * c[j] + i * g;
                        h[j] = o * Math.Tanh(c[j]);
                    }
                    else
                    {
                        h[j] = config.Activation == Activation.Relu ? Math.Max(pre[j], 0) : Math.Tanh(pre[j]);
                    }
                    output[(t * batch + b) * width + direction * hidden + j] = h[j];
                }
            }
            for (int j = 0; j < hidden; j++)
            {
                finalHidden[(slot * batch + b) * hidden + j] = h[j];
                finalCell[(slot * batch + b) * hidden + j] = config.Cell == CellType.Lstm ? c[j] : 0;
            }
        }
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static ParameterTensor Find(IReadOnlyList<ParameterTensor> tensors, string name) => tensors.Single(t => t.Name == name);
}
