using RnnNative.Cells;

namespace RnnNative.Tests.Cells;

/// <summary>
/// The Jordan network's forward pass written from its formulas in double precision with plain loops, independent
/// of the engine: the oracle for forward values and, through central differences, for gradients.
/// <c>h_t = f(W_ih x_t + W_yh y_{t-1} + b)</c>, <c>z_t = W_out h_t + b_out</c>, <c>y_t = g(z_t)</c>, y before the
/// first timestep 0 (or a given y, which a language model carries from its previous window); past a sequence's length h, z and y repeat its last timestep's.
/// </summary>
internal static class JordanReference
{
    /// <summary>Logits z, outputs y [T*B, O] and hidden states h [T*B, H], time-major.</summary>
    public sealed record Result(double[] Logits, double[] Outputs, double[] Hidden);

    /// <summary><paramref name="weights"/>: W_ih [H, I], W_yh [H, O], b [H], W_out [O, H], b_out [O], as the layer's tensors;
    /// <paramref name="initialOutput"/> [B, O]: y before the first timestep (null: 0).</summary>
    public static Result Forward(double[][] weights, double[] input, int steps, int batch, int[] lengths, int inputSize, int hiddenSize, int outputSize, Activation activation, JordanOutput output, double[]? initialOutput = null)
    {
        (double[] weightIh, double[] weightYh, double[] bias, double[] weightOut, double[] biasOut) = (weights[0], weights[1], weights[2], weights[3], weights[4]);
        double[] logits = new double[steps * batch * outputSize], outputs = new double[steps * batch * outputSize], hidden = new double[steps * batch * hiddenSize];
        for (int b = 0; b < batch; b++)
        {
            double[] previous = initialOutput is null ? new double[outputSize] : initialOutput[(b * outputSize)..((b + 1) * outputSize)];   // y_{t-1}
            for (int t = 0; t < steps; t++)
            {
                int row = t * batch + b;
                if (t >= lengths[b])
                {
                    Array.Copy(logits, (row - batch) * outputSize, logits, row * outputSize, outputSize);
                    Array.Copy(outputs, (row - batch) * outputSize, outputs, row * outputSize, outputSize);
                    Array.Copy(hidden, (row - batch) * hiddenSize, hidden, row * hiddenSize, hiddenSize);
                    continue;
                }
                for (int j = 0; j < hiddenSize; j++)
                {
                    double a = bias[j];
                    for (int i = 0; i < inputSize; i++) a += weightIh[j * inputSize + i] * input[row * inputSize + i];
                    for (int o = 0; o < outputSize; o++) a += weightYh[j * outputSize + o] * previous[o];
                    hidden[row * hiddenSize + j] = activation == Activation.Relu ? Math.Max(a, 0) : Math.Tanh(a);
                }
                for (int o = 0; o < outputSize; o++)
                {
                    double z = biasOut[o];
                    for (int j = 0; j < hiddenSize; j++) z += weightOut[o * hiddenSize + j] * hidden[row * hiddenSize + j];
                    logits[row * outputSize + o] = z;
                }
                double max = output == JordanOutput.Softmax ? Enumerable.Range(0, outputSize).Max(o => logits[row * outputSize + o]) : 0, sum = 0;
                for (int o = 0; o < outputSize; o++)
                {
                    double z = logits[row * outputSize + o];
                    previous[o] = output == JordanOutput.Softmax ? Math.Exp(z - max) : z;
                    sum += previous[o];
                }
                for (int o = 0; o < outputSize; o++)
                {
                    if (output == JordanOutput.Softmax) previous[o] /= sum;
                    outputs[row * outputSize + o] = previous[o];
                }
            }
        }
        return new Result(logits, outputs, hidden);
    }
}
