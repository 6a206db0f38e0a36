using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnNative.Kernels.Step;

/// <summary>
/// A weight matrix laid out for single-token steps: <c>y = A · x</c> with A [G*U, K] given as G gate
/// blocks of U rows each (PyTorch's layout: LSTM gates i, f, g, o; G = 1 for Elman and the decoder).
/// Rows are grouped in panels of W units (W = the kernel path's register width); panel p holds,
/// column after column, the W rows of every gate:
/// <code>
/// element (p, k, g, w) = A[g*U + p*W + w, k]     at index ((p*K' + k)*G + g)*W + w
/// </code>
/// where K' is K rounded up to <see cref="ColumnMultiple"/> (zero columns).
/// (float32; bfloat16 interleaves each pair of columns row by row, see <see cref="IWeightFormat"/>;
/// int8 each quad of columns, so a lane's 4 bytes are one row's 4 columns, as vpdpbusd and sdot read them:
/// <code>
/// int8: element (p, k, g, w) at  (p*K' + k - k%4)*G*W + (g*W + w)*4 + k%4,   with scale_r per row in <see cref="RowScales"/>
/// </code>).
/// A step streams each panel once from start to end, broadcasting x[k] against G registers: no
/// horizontal sums, and the G gates of the panel's W units end in registers together, ready for the
/// cell's pointwise step. Rows past U (padding of the last panel) are zero. Threads split panels.
/// </summary>
/// <remarks>Storage is pinned and 64-byte aligned (loads never split a cache line) in float32,
/// bfloat16 or int8 (<see cref="WeightPrecision"/>). Immutable once filled; readers on any thread.</remarks>
internal sealed unsafe class StepMatrix
{
    private readonly Array _storage;   // float[], ushort[] or sbyte[]: the size limit counts elements, as for the model's own weights
    private readonly byte* _data;
    private readonly float[] _rowMax = [];      // int8: max |A_r| per row [G*U], from MeasureColumns
    private readonly float[] _rowScales = [];   // int8: scale_r in panel order [panels, G, W], pinned
    private OffsetSumsOf? _offsetSums;          // int8: OffsetSums' last answer, computed on first use

    public StepMatrix(KernelPath path, int width, int gates, int units, int inputs, WeightPrecision precision)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gates, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown weight precision");
        }
        Path = path;
        Width = width;
        Gates = gates;
        Units = units;
        Inputs = inputs;
        Precision = precision;
        Panels = (units + width - 1) / width;
        Columns = (inputs + ColumnMultiple - 1) / ColumnMultiple * ColumnMultiple;
        long elements = (long)Panels * Columns * gates * width;
        if (elements + 32 > Array.MaxLength)
        {
            throw new ArgumentException($"a step matrix of {gates * (long)units} x {inputs} weights is too large.", nameof(inputs));
        }
        // Zeroed (the padding rows of the last panel must contribute nothing), with room to start on a 64-byte boundary.
        _storage = precision switch
        {
            WeightPrecision.Float32 => GC.AllocateArray<float>((int)elements + 16, pinned: true),
            WeightPrecision.BFloat16 => GC.AllocateArray<ushort>((int)elements + 32, pinned: true),
            _ => GC.AllocateArray<sbyte>((int)elements + 64, pinned: true),
        };
        if (precision == WeightPrecision.Int8)
        {
            _rowMax = new float[gates * units];
            _rowScales = GC.AllocateArray<float>(Panels * gates * width, pinned: true);
        }
        _data = (byte*)(((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage)) + 63) & ~(nuint)63);
    }

    /// <summary>The kernel path whose register width <see cref="Width"/> is.</summary>
    public KernelPath Path { get; }

    /// <summary>W: units per panel.</summary>
    public int Width { get; }

    /// <summary>G: gate blocks.</summary>
    public int Gates { get; }

    /// <summary>U: rows per gate block (hidden units, or classes for a decoder).</summary>
    public int Units { get; }

    /// <summary>K: columns of A, the length of x.</summary>
    public int Inputs { get; }

    /// <summary>Columns are stored in multiples of this (zero columns after K), so the kernels' unrolled
    /// loops need no remainder: a remainder would hold the accumulators in memory, not registers.</summary>
    public const int ColumnMultiple = 4;

    /// <summary>A kernel that routes sums by column section (GRU: input columns, then h columns) reads
    /// columns in groups, as the formats store them (pairs: <see cref="IWeightFormat"/>; int8: quads): a
    /// section starts at a multiple of this (zero columns pad the one before).</summary>
    public const int SectionMultiple = 4;

    /// <summary>K rounded up to <see cref="ColumnMultiple"/>: columns stored, and the length x must have (zeros past K).</summary>
    public int Columns { get; }

    public int Panels { get; }

    /// <summary>U rounded up to whole panels: the length of outputs and states the kernels write.</summary>
    public int PaddedUnits => Panels * Width;

    public WeightPrecision Precision { get; }

    /// <summary>Bytes of weights one panel streams per step: K' · G · W elements of <see cref="Precision"/>.</summary>
    public int PanelBytes => Columns * Gates * Width * Precision switch
    {
        WeightPrecision.Float32 => sizeof(float),
        WeightPrecision.BFloat16 => sizeof(ushort),
        _ => sizeof(sbyte),
    };

    /// <summary>The first element (64-byte aligned); valid as long as this object lives.</summary>
    public void* Data => _data;

    /// <summary>int8: scale_r of each row in panel order [panels, G, W] (0 for padding rows); valid as long as this object lives.</summary>
    public float* RowScales => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_rowScales));

    /// <summary>
    /// int8, for kernels that feed x offset to unsigned bytes (vpdpbusd multiplies unsigned by signed bytes:
    /// x_u = x_q + 128, <see cref="BatchedStepKernelsVnni{TVec, TSimd}"/>): the offset's share of each row's sum, which they take back out,
    /// <code>
    /// Σ_k q_rk · x_q,k = Σ_k q_rk · x_u,k − 128 · Σ_k q_rk
    /// </code>
    /// as int32 in panel order [panels, G + 1, W]: block g &lt; G is 128 · Σ_k q_rk over all columns of gate g's rows, block G
    /// the last gate's over the columns before <paramref name="section"/> (a GRU's n sums its input and h sections apart;
    /// 0 for kernels that do not split). Exact (|Σ| ≤ 128 · 127 · K). Computed on first use, after the matrix is filled;
    /// any thread (threads racing on the first use compute equal arrays). Pinned: a kernel takes a pointer into the array
    /// and keeps the array itself alive while it reads (the matrix may publish another one meanwhile).
    /// </summary>
    public int[] OffsetSums(int section)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(section);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(section, Columns);
        if (Precision != WeightPrecision.Int8)
        {
            throw new InvalidOperationException("offset sums belong to int8 matrices.");
        }
        OffsetSumsOf? known = Volatile.Read(ref _offsetSums);
        if (known is null || known.Section != section)
        {
            known = new OffsetSumsOf(section, SumOffsets(section));
            Volatile.Write(ref _offsetSums, known);
        }
        return known.Sums;
    }

    private int[] SumOffsets(int section)
    {
        int gates = Gates, width = Width, blocks = gates + 1;
        int[] sums = GC.AllocateArray<int>(Panels * blocks * width, pinned: true);
        for (int panel = 0; panel < Panels; panel++)
        {
            sbyte* quads = (sbyte*)_data + (long)panel * Columns * gates * width;
            for (int k = 0; k < Columns; k++)
            {
                // Column k of lane l of gate g sits at quad (k - k%4), byte (g·W + l)·4 + k%4.
                sbyte* column = quads + (long)(k & ~3) * gates * width + (k & 3);
                for (int gate = 0; gate < gates; gate++)
                {
                    int* block = (int*)Unsafe.AsPointer(ref sums[(panel * blocks + gate) * width]);
                    for (int lane = 0; lane < width; lane++) block[lane] += 128 * column[(gate * width + lane) * 4];
                }
                if (k < section)
                {
                    for (int lane = 0; lane < width; lane++) sums[(panel * blocks + gates) * width + lane] += 128 * column[((gates - 1) * width + lane) * 4];
                }
            }
        }
        return sums;
    }

    private sealed record OffsetSumsOf(int Section, int[] Sums);

    /// <summary>
    /// int8 quantises per row over all of a row's columns, so the matrix first sees every column block
    /// [G*U, columns] (rows <paramref name="lda"/> apart) it will be given, then <see cref="SetColumns"/>
    /// quantises with the row's scale. A no-op for float formats.
    /// </summary>
    public void MeasureColumns(ReadOnlySpan<float> source, int lda, int columns)
    {
        if (Precision != WeightPrecision.Int8) return;
        for (int r = 0; r < _rowMax.Length; r++)
        {
            _rowMax[r] = MathF.Max(_rowMax[r], Int8Quantization.MaxAbs(source.Slice(r * lda, columns)));
        }
        float[] scales = new float[_rowMax.Length];
        for (int r = 0; r < scales.Length; r++) scales[r] = Int8Quantization.Scale(_rowMax[r]);
        ToPanelOrder(scales, _rowScales);
    }

    /// <summary>
    /// Copies columns [<paramref name="firstColumn"/>, <paramref name="firstColumn"/> + <paramref name="columns"/>)
    /// of A from <paramref name="source"/> [G*U, columns] (row-major, rows <paramref name="lda"/> apart),
    /// converting to <see cref="Precision"/>. A matrix over [x; h] is filled with W_ih, then W_hh.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // runs once per weight change: worth no tiering
    public void SetColumns(ReadOnlySpan<float> source, int lda, int firstColumn, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstColumn);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstColumn + columns, Inputs, nameof(columns));
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, columns);
        Volatile.Write(ref _offsetSums, null);   // the sums of the weights before this call
        int rows = Gates * Units;
        if (source.Length < (long)(rows - 1) * lda + columns)
        {
            throw new ArgumentException($"expected a [{rows}, {columns}] matrix with rows {lda} apart, got {source.Length} elements.", nameof(source));
        }
        // In storage order, so the packed side is written once, sequentially; the G*W rows of a panel
        // are read a column at a time, each from a cache line that the next 15 columns reuse.
        int gates = Gates, width = Width, units = Units;
        fixed (float* a = source)
        {
            for (int panel = 0; panel < Panels; panel++)
            {
                int lanes = Math.Min(width, units - panel * width);
                long panelStart = (long)panel * Columns * gates * width;
                for (int column = 0; column < columns; column++)
                {
                    int k = firstColumn + column;
                    long pair = panelStart + (long)(k & ~1) * gates * width;
                    for (int gate = 0; gate < gates; gate++)
                    {
                        float* row = a + ((long)gate * units + panel * width) * lda + column;
                        if (Precision == WeightPrecision.Float32)
                        {
                            float* packed = (float*)_data + Float32Weights.Index(pair, k & 1, gate, gates, width, 0);
                            for (int lane = 0; lane < lanes; lane++) packed[lane] = row[(long)lane * lda];
                        }
                        else if (Precision == WeightPrecision.BFloat16)
                        {
                            ushort* packed = (ushort*)_data + BFloat16Weights.Index(pair, k & 1, gate, gates, width, 0);
                            for (int lane = 0; lane < lanes; lane++) packed[2 * lane] = BFloat16.FromSingle(row[(long)lane * lda]);
                        }
                        else
                        {
                            // Quad of columns k - k%4 .. k - k%4 + 3, then gate, lane, and k%4 within the lane's 4 bytes.
                            sbyte* packed = (sbyte*)_data + panelStart + (long)(k & ~3) * gates * width + (long)gate * width * 4 + (k & 3);
                            int firstRow = gate * units + panel * width;
                            for (int lane = 0; lane < lanes; lane++)
                            {
                                float value = row[(long)lane * lda], rowMax = _rowMax[firstRow + lane];
                                if (MathF.Abs(value) > rowMax)
                                {
                                    throw new InvalidOperationException($"row {firstRow + lane} has a weight {value} beyond the {rowMax} measured: call MeasureColumns with every column block first.");
                                }
                                packed[4 * lane] = Int8Quantization.Quantize(value, Int8Quantization.Scale(rowMax));
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Reorders a vector per row of A (a bias, or a row of input projections) [G*U] into panel order
    /// [<see cref="Panels"/>, G, W] (padding zero), the layout the step kernels start their sums from.
    /// </summary>
    public void ToPanelOrder(ReadOnlySpan<float> rows, Span<float> panelOrder) => ToPanelOrder(rows, Gates, panelOrder);

    /// <summary>
    /// Reorders <paramref name="blocks"/> blocks of U values [blocks*U] into panel order
    /// [<see cref="Panels"/>, blocks, W] (padding zero): a kernel's init may have more blocks than A
    /// has gates (a GRU starts from [b_ir + b_hr, b_iz + b_hz, b_in, b_hn] or a token's [a_r, a_z, a_n, b_hn]
    /// with A's rows [r, z, n]).
    /// </summary>
    public void ToPanelOrder(ReadOnlySpan<float> rows, int blocks, Span<float> panelOrder)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        int length = blocks * Units;
        if (rows.Length != length)
        {
            throw new ArgumentException($"expected {length} values ([{blocks}*U]), got {rows.Length}.", nameof(rows));
        }
        if (panelOrder.Length != Panels * blocks * Width)
        {
            throw new ArgumentException($"expected {Panels * blocks * Width} values ([panels, {blocks}, W]), got {panelOrder.Length}.", nameof(panelOrder));
        }
        panelOrder.Clear();
        int units = Units, width = Width;
        for (int block = 0; block < blocks; block++)
        {
            ReadOnlySpan<float> blockRows = rows.Slice(block * units, units);
            for (int unit = 0; unit < units; unit += width)
            {
                int lanes = Math.Min(width, units - unit);
                blockRows.Slice(unit, lanes).CopyTo(panelOrder.Slice((unit / width * blocks + block) * width, lanes));
            }
        }
    }
}
