using System.Runtime.CompilerServices;
using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Randomness;

namespace RnnNative.Model;

/// <summary>
/// The class-factored softmax (<see cref="SoftmaxKind.Class"/>, Mikolov et al. 2011) over the words' classes
/// (<see cref="WordClasses"/>: class c owns the rows [s_c, s_c + |c|) of W_w and b_w):
/// <code>
/// P(w | h) = P(c(w) | h) · P(w | c(w), h)
/// u        = h · W_cᵀ + b_c                               [rows, K]        the class logits
/// v        = h · W_w[rows of c]ᵀ + b_w[rows of c]          [rows, |c|]     the word logits of the target's class c only
/// loss     = Σ over rows of -log softmax(u)[c(w)] - log softmax(v)[w]     (nats; exact: both factors are normalised)
/// du = softmax(u) - onehot(c(w)),  dv = softmax(v) - onehot(w)          (times 1/rows: the mean)
/// dh = du · W_c + dv · W_w[c],  dW_c += duᵀ · h,  db_c += Σ du,  dW_w[c] += dvᵀ · h_c,  db_w[c] += Σ dv
/// </code>
/// so a row costs K + |c| logits instead of V. The rows of a window are grouped by their target's class (a counting
/// sort), h gathered per group, and each class with rows runs one GEMM [m_c, H] x [H, |c|] (and two in the backward);
/// the class logits are one GEMM. h is dropped in training (place L) as by the full softmax, with the same masks.
/// A step's full distribution, when asked for, is log P(c) + log P(w | c) for every word (<see cref="FinishStep"/>);
/// sampling draws the class from K logits and the word from its class's |c| (<see cref="Sample"/>).
/// </summary>
internal sealed class ClassSoftmaxHead : LanguageModelHead
{
    private readonly KernelSet _kernels;
    private readonly int _vocabulary, _classes, _hidden, _place;
    private readonly float[] _weights;     // W_c [K, H], b_c [K], W_w [V, H], b_w [V] (word rows in class order)
    private readonly float[] _gradients;   // same layout; empty in a replica
    private readonly StrongBox<WordClasses> _assignment;   // shared with replicas: fitting replaces it for all
    private readonly Dropout _dropout;
    private float[] _u = [];               // [rows, K]: class logits, then du
    private float[] _v = [];               // [Σ_c m_c |c|]: each class's block of word logits [m_c, |c|], then dv
    private float[] _gathered = [];        // [n, H]: h of the rows grouped by class
    private float[] _dInput = [], _dGathered = [];   // [rows, H], [n, H]
    private int[] _classTargets = [], _groupRows = [], _wordTargets = [];   // [rows], [n], [n]: n rows have a target
    private readonly int[] _groupStart, _blockStart;   // [K+1]: group c is rows [g_c, g_c+1) of _groupRows; its logits at _v[b_c]
    private readonly int[] _cursor;                    // [K]: the next free place of each group while grouping
    private float[] _scratch = [];         // one row's class and word logits

    public ClassSoftmaxHead(KernelSet kernels, int vocabulary, int classes, int hidden, float dropout, int place)
        : this(kernels, vocabulary, classes, hidden, new float[(classes + vocabulary) * (hidden + 1)],
              new StrongBox<WordClasses>(WordClasses.Contiguous(vocabulary, classes)), dropout, place, replica: false)
    {
    }

    private ClassSoftmaxHead(KernelSet kernels, int vocabulary, int classes, int hidden, float[] weights, StrongBox<WordClasses> assignment, float dropout, int place, bool replica)
    {
        _kernels = kernels;
        _vocabulary = vocabulary;
        _classes = classes;
        _hidden = hidden;
        _weights = weights;
        _gradients = replica ? [] : new float[weights.Length];
        _assignment = assignment;
        _place = place;
        _dropout = new Dropout(kernels, dropout, place);
        _groupStart = new int[classes + 1];
        _cursor = new int[classes];
        _blockStart = new int[classes + 1];
    }

    public override WordClasses Classes => _assignment.Value!;

    public override ReadOnlySpan<float> WordWeights => _weights.AsSpan(WordOffset);

    private int WordOffset => _classes * (_hidden + 1);

    private ReadOnlySpan<float> ClassWeight => _weights.AsSpan(0, _classes * _hidden);

    private ReadOnlySpan<float> ClassBias => _weights.AsSpan(_classes * _hidden, _classes);

    /// <summary>The rows of class c's words in W_w [|c|, H] (or in its gradient).</summary>
    private Span<float> WordWeight(float[] vector, int c) => vector.AsSpan(WordOffset + Classes.Start[c] * _hidden, Classes.Size(c) * _hidden);

    /// <summary>The biases of class c's words in b_w [|c|] (or in its gradient).</summary>
    private Span<float> WordBias(float[] vector, int c) => vector.AsSpan(WordOffset + _vocabulary * _hidden + Classes.Start[c], Classes.Size(c));

    public override ParameterBlock CreateBlock(WeightVersion version) => new("decoder", _weights, _gradients) { Version = version };

    public override IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] vector = gradients ? _gradients : _weights;
        int classWeights = _classes * _hidden, wordWeights = _vocabulary * _hidden;
        return [vector.AsMemory(0, classWeights), vector.AsMemory(classWeights, _classes), vector.AsMemory(WordOffset, wordWeights), vector.AsMemory(WordOffset + wordWeights, _vocabulary)];
    }

    public override void Initialize(Random random)
    {
        float bound = 1f / MathF.Sqrt(_hidden);
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        }
    }

    /// <summary>Replaces the classes by <paramref name="classes"/>, moving each word's row of W_w and b_w to its new
    /// place, so every word keeps its vector (the function changes only through the new grouping). Call it before
    /// training: gradients and optimizer state are not moved.</summary>
    public void SetClasses(WordClasses classes)
    {
        WordClasses old = Classes;
        float[] words = _weights.AsSpan(WordOffset).ToArray();
        Span<float> weight = _weights.AsSpan(WordOffset, _vocabulary * _hidden), bias = _weights.AsSpan(WordOffset + _vocabulary * _hidden, _vocabulary);
        for (int token = 0; token < _vocabulary; token++)
        {
            int from = old.Row[token], to = classes.Row[token];
            words.AsSpan(from * _hidden, _hidden).CopyTo(weight.Slice(to * _hidden, _hidden));
            bias[to] = words[_vocabulary * _hidden + from];
        }
        _assignment.Value = classes;
    }

    public override void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, ForwardMode mode)
    {
        Reserve(rows);
        _dropout.Forward(input, rows, mode);
        ReadOnlySpan<float> h = Read(input, rows);
        // u = h · W_cᵀ + b_c   [rows, K]
        Span<float> u = _u.AsSpan(0, rows * _classes);
        _kernels.Gemm(false, true, rows, _classes, _hidden, 1f, h, _hidden, ClassWeight, _hidden, 0f, u, _classes);
        _kernels.AddRowVector(u, rows, ClassBias);

        GroupByClass(targets, rows);
        int grouped = _groupStart[_classes];
        for (int i = 0; i < grouped; i++)
        {
            h.Slice(_groupRows[i] * _hidden, _hidden).CopyTo(_gathered.AsSpan(i * _hidden, _hidden));
        }
        // v_c = h_c · W_w[c]ᵀ + b_w[c]   [m_c, |c|] per class with rows
        for (int c = 0; c < _classes; c++)
        {
            int m = GroupSize(c);
            if (m == 0) continue;
            Span<float> v = WordLogits(c);
            _kernels.Gemm(false, true, m, Classes.Size(c), _hidden, 1f, Gathered(_gathered, c), _hidden, WordWeight(_weights, c), _hidden, 0f, v, Classes.Size(c));
            _kernels.AddRowVector(v, m, WordBias(_weights, c));
        }
    }

    public override double Loss(ReadOnlySpan<int> targets, int rows) => CrossEntropy(rows, gradients: false);

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, out double loss)
    {
        loss = CrossEntropy(rows, gradients: true);
        ReadOnlySpan<float> h = Read(input, rows);
        // dW_c += duᵀ · h,  db_c += Σ du,  dh = du · W_c
        ReadOnlySpan<float> du = _u.AsSpan(0, rows * _classes);
        _kernels.Gemm(true, false, _classes, _hidden, rows, 1f, du, _classes, h, _hidden, 1f, _gradients.AsSpan(0, _classes * _hidden), _hidden);
        _kernels.AccumulateColumnSums(du, rows, _gradients.AsSpan(_classes * _hidden, _classes));
        Span<float> dInput = _dInput.AsSpan(0, rows * _hidden);
        _kernels.Gemm(false, false, rows, _hidden, _classes, 1f, du, _classes, ClassWeight, _hidden, 0f, dInput, _hidden);
        // Per class: dW_w[c] += dv_cᵀ · h_c,  db_w[c] += Σ dv_c,  dh_c = dv_c · W_w[c]
        for (int c = 0; c < _classes; c++)
        {
            int m = GroupSize(c), size = Classes.Size(c);
            if (m == 0) continue;
            ReadOnlySpan<float> dv = WordLogits(c);
            _kernels.Gemm(true, false, size, _hidden, m, 1f, dv, size, Gathered(_gathered, c), _hidden, 1f, WordWeight(_gradients, c), _hidden);
            _kernels.AccumulateColumnSums(dv, m, WordBias(_gradients, c));
            _kernels.Gemm(false, false, m, _hidden, size, 1f, dv, size, WordWeight(_weights, c), _hidden, 0f, Gathered(_dGathered, c), _hidden);
        }
        // dh[row] += dh_c of the row, scattered back
        for (int i = 0; i < _groupStart[_classes]; i++)
        {
            Span<float> row = dInput.Slice(_groupRows[i] * _hidden, _hidden);
            _kernels.Add(row, _dGathered.AsSpan(i * _hidden, _hidden), row);
        }
        _dropout.Backward(dInput, rows);
        return dInput;
    }

    /// <summary>Σ -log softmax(u)[c] + Σ -log softmax(v_c)[w] over the last forward; with <paramref name="gradients"/> du and
    /// dv (scaled by 1/rows, the mean) written over u and v.</summary>
    private double CrossEntropy(int rows, bool gradients)
    {
        float scale = gradients ? 1f / rows : 0f;
        Span<float> u = _u.AsSpan(0, rows * _classes);
        double loss = _kernels.SoftmaxCrossEntropy(u, rows, _classes, _classTargets.AsSpan(0, rows), gradients ? u : [], scale);
        for (int c = 0; c < _classes; c++)
        {
            int m = GroupSize(c);
            if (m == 0) continue;
            Span<float> v = WordLogits(c);
            loss += _kernels.SoftmaxCrossEntropy(v, m, Classes.Size(c), _wordTargets.AsSpan(_groupStart[c], m), gradients ? v : [], scale);
        }
        return loss;
    }

    /// <summary>Each row's class target (or <see cref="KernelSet.IgnoreTarget"/>), and the rows with a target grouped by
    /// class (counting sort, row order kept within a class) with their word's index within the class; sizes the
    /// word-logit blocks.</summary>
    private void GroupByClass(ReadOnlySpan<int> targets, int rows)
    {
        WordClasses classes = Classes;
        ReadOnlySpan<int> classOf = classes.ClassOf, rowOf = classes.Row, start = classes.Start;
        Array.Clear(_groupStart);
        for (int row = 0; row < rows; row++)
        {
            int target = targets[row];
            if (target == KernelSet.IgnoreTarget)
            {
                _classTargets[row] = KernelSet.IgnoreTarget;
                continue;
            }
            if ((uint)target >= (uint)_vocabulary)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), target, $"target id at position {row} is outside the vocabulary [0, {_vocabulary}).");
            }
            _classTargets[row] = classOf[target];
            _groupStart[classOf[target] + 1]++;
        }
        for (int c = 0; c < _classes; c++)
        {
            _groupStart[c + 1] += _groupStart[c];
            _blockStart[c + 1] = _blockStart[c] + (_groupStart[c + 1] - _groupStart[c]) * classes.Size(c);
        }
        _groupStart.AsSpan(0, _classes).CopyTo(_cursor);
        for (int row = 0; row < rows; row++)
        {
            int c = _classTargets[row];
            if (c == KernelSet.IgnoreTarget) continue;
            int at = _cursor[c]++;
            _groupRows[at] = row;
            _wordTargets[at] = rowOf[targets[row]] - start[c];
        }
        if (_v.Length < _blockStart[_classes]) _v = new float[_blockStart[_classes]];
    }

    private int GroupSize(int c) => _groupStart[c + 1] - _groupStart[c];

    /// <summary>Class c's block of word logits (or dv) [m_c, |c|].</summary>
    private Span<float> WordLogits(int c) => _v.AsSpan(_blockStart[c], _blockStart[c + 1] - _blockStart[c]);

    /// <summary>Class c's rows [m_c, H] of a grouped buffer.</summary>
    private Span<float> Gathered(float[] buffer, int c) => buffer.AsSpan(_groupStart[c] * _hidden, GroupSize(c) * _hidden);

    public override void FinishStep(ReadOnlySpan<float> hidden, Span<float> wordLogits, Span<float> logits)
    {
        Reserve(1);
        Span<float> u = _u.AsSpan(0, _classes);
        _kernels.Gemv(false, _classes, _hidden, 1f, ClassWeight, _hidden, hidden, 0f, u);
        _kernels.Add(u, ClassBias, u);
        LogProbabilities(u, wordLogits[.._vocabulary], logits);
    }

    /// <summary>logits[w] = log softmax(u)[c(w)] + log softmax(v[rows of c(w)])[w] for one row: u [K] and the word
    /// logits v [V] in row order (both overwritten), logits [V] in token-id order.</summary>
    private void LogProbabilities(Span<float> u, Span<float> v, Span<float> logits)
    {
        WordClasses classes = Classes;
        ReadOnlySpan<int> order = classes.Order, start = classes.Start;
        LogSoftmax(u);
        for (int c = 0; c < _classes; c++)
        {
            Span<float> block = v[start[c]..start[c + 1]];
            LogSoftmax(block);
            for (int j = 0; j < block.Length; j++) logits[order[start[c] + j]] = u[c] + block[j];
        }
    }

    /// <summary>z = z - max z - log Σ exp(z - max z), the sum in double.</summary>
    private static void LogSoftmax(Span<float> z)
    {
        float max = float.NegativeInfinity;
        foreach (float value in z) max = MathF.Max(max, value);
        double sum = 0;
        foreach (float value in z) sum += Math.Exp(value - max);
        float shift = max + (float)Math.Log(sum);
        for (int i = 0; i < z.Length; i++) z[i] -= shift;
    }

    /// <summary>
    /// Per row: the class from softmax(u / T) over the K class logits, then the word from softmax(v / T) over its class's
    /// |c| word logits; V logits are never formed. At T = 1 this draws from the model's P(w | h) exactly. At other T each
    /// factor is sharpened (or flattened) on its own, which is not softmax(log P / T) over all words (that needs every
    /// class's normaliser); T = 0 takes the most likely class and its most likely word. Reads the float32 weights:
    /// a bfloat16 <see cref="LanguageModel.StepPrecision"/> applies to the layers below (and to a step's V word logits).
    /// </summary>
    public override void Sample(ReadOnlySpan<float> input, int rows, ReadOnlySpan<float> temperatures, ReadOnlySpan<SeededRandom> randoms, Span<int> next)
    {
        WordClasses classes = Classes;
        if (_scratch.Length < _classes + _vocabulary) _scratch = new float[_classes + _vocabulary];
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> h = input.Slice(row * _hidden, _hidden);
            Span<float> u = _scratch.AsSpan(0, _classes);
            _kernels.Gemv(false, _classes, _hidden, 1f, ClassWeight, _hidden, h, 0f, u);
            _kernels.Add(u, ClassBias, u);
            int c = CategoricalDraw.FromLogits(_kernels, u, temperatures[row], randoms[row]);
            Span<float> v = _scratch.AsSpan(_classes, classes.Size(c));
            _kernels.Gemv(false, v.Length, _hidden, 1f, WordWeight(_weights, c), _hidden, h, 0f, v);
            _kernels.Add(v, WordBias(_weights, c), v);
            next[row] = classes.Order[classes.Start[c] + CategoricalDraw.FromLogits(_kernels, v, temperatures[row], randoms[row])];
        }
    }

    /// <summary>Buffers for a window of <paramref name="rows"/> rows.</summary>
    private void Reserve(int rows)
    {
        if (_classTargets.Length >= rows) return;
        _u = new float[rows * _classes];
        _classTargets = new int[rows];
        _groupRows = new int[rows];
        _wordTargets = new int[rows];
        _gathered = new float[rows * _hidden];
        _dInput = _gradients.Length == 0 ? [] : new float[rows * _hidden];
        _dGathered = _gradients.Length == 0 ? [] : new float[rows * _hidden];
    }

    /// <summary>What the head read in the last forward [rows, H]: its input, dropped in training.</summary>
    private ReadOnlySpan<float> Read(ReadOnlySpan<float> input, int rows) => _dropout.Active ? _dropout.Output.AsSpan(0, rows * _hidden) : input;

    public override LanguageModelHead CreateReplica() =>
        new ClassSoftmaxHead(_kernels, _vocabulary, _classes, _hidden, _weights, _assignment, _dropout.Probability, _place, replica: true);
}
