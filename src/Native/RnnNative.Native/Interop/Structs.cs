using System.Runtime.InteropServices;

namespace RnnNative.Native.Interop;

// The structs of rnn.h, field for field. Each starts with uint32_t struct_size; fields are only
// ever appended, and the library reads or writes no more than struct_size bytes (see StructSize).
#pragma warning disable CS0649 // fields are written by C

[StructLayout(LayoutKind.Sequential)]
internal struct ModelConfig
{
    public uint StructSize;
    public int VocabSize;
    public int EmbeddingSize;
    public int Cell;
    public int HiddenSize;
    public int Layers;
    public int Activation;
    public uint Seed;
    public int Input;
    public uint SeedHigh;
    public float Dropout;          // since 0.3.0, as the three below
    public int Init;
    public float IdentityScale;    // 0: 1
    public int Bidirectional;
    public int Softmax;            // since 0.5.0, as the one below
    public int Classes;            // 0: round(sqrt(V)) with the class softmax
}

[StructLayout(LayoutKind.Sequential)]
internal struct VocabConfig
{
    public uint StructSize;
    public int Kind;
    public int MaxSize;
}

[StructLayout(LayoutKind.Sequential)]
internal struct TrainerConfig
{
    public uint StructSize;
    public int SeqLen;
    public int BatchSize;
    public int Optimizer;
    public float LearningRate;
    public float Momentum;
    public float Beta1;
    public float Beta2;
    public float WeightDecay;
    public float ClipNorm;
    public float ClipValue;
    public int Schedule;
    public float ScheduleGamma;
    public float MinLearningRate;
    public int EvalEvery;
    public int ValidationWindows;
    public int Epochs;
    public int Nesterov;
    public long ScheduleStepSize;
    public long ScheduleTotalSteps;
    public long MaxUpdates;
    public double MaxSeconds;
    public double ValidationFraction;
    public int DecoupledWeightDecay;
    public float Epsilon;
    public ulong Seed;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SamplingConfig
{
    public uint StructSize;
    public float Temperature;
    public int TopK;
    public float TopP;
    public ulong Seed;
    public int MaxTokens;
    public int Reserved;
    public byte* Stop;
}

[StructLayout(LayoutKind.Sequential)]
internal struct Progress
{
    public uint StructSize;
    public int Epoch;
    public long Step;
    public long TotalUpdates;
    public double Loss;
    public double SmoothedLoss;
    public double ValidationLoss;
    public double BestValidationLoss;
    public double TokensPerSecond;
    public double ElapsedSeconds;
    public double Fraction;
    public double LearningRate;
    public double GradientNorm;
}

[StructLayout(LayoutKind.Sequential)]
internal struct EvaluationResult
{
    public uint StructSize;
    public int Reserved;
    public double Loss;
    public double Perplexity;
    public double BitsPerToken;
}

// Since 0.4.0: whole-sequence models.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DatasetConfig
{
    public uint StructSize;
    public int Kind;
    public int Unit;
    public int MaxVocab;
    public int Lowercase;
    public int RequireTargets;
    public byte* LabelColumn;      // NULL: the engine's default
    public byte* TextColumn;
}

[StructLayout(LayoutKind.Sequential)]
internal struct DatasetInfo
{
    public uint StructSize;
    public int Kind;
    public int Target;
    public int HasTargets;
    public long Sequences;
    public long Timesteps;
    public int MaxLength;
    public int VocabSize;
    public int FeatureSize;
    public int Outputs;
}

[StructLayout(LayoutKind.Sequential)]
internal struct TaskModelConfig
{
    public uint StructSize;
    public int Cell;
    public int HiddenSize;
    public int Layers;
    public int EmbeddingSize;      // -1: the engine's default
    public int Bidirectional;      // -1: the task's default
    public int Activation;
    public float Dropout;
    public int Init;
    public float IdentityScale;
    public int Pooling;
    public int Reserved;
    public ulong Seed;
}

[StructLayout(LayoutKind.Sequential)]
internal struct TaskMetrics
{
    public uint StructSize;
    public int Kind;
    public double Loss;
    public double TokenAccuracy;
    public double Precision;
    public double Recall;
    public double F1;
    public double Accuracy;
    public double MacroF1;
    public double Mse;
    public double Mae;
    public long Sequences;
    public double ExactMatch;      // since 0.5.0
}

/// <summary>rnn_decode_config (since 0.5.0).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DecodeConfig
{
    public uint StructSize;
    public int BeamWidth;          // 0: greedy
    public int MaxLength;
    public float LengthPenalty;
    public int BatchSize;
}

/// <summary>rnn_decode_result (since 0.5.0): the caller's buffers, and the sizes the library reports.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DecodeResult
{
    public uint StructSize;
    public int Reserved;
    public byte* Text;
    public nuint TextCapacity;
    public nuint TextNeeded;
    public int* Tokens;
    public nuint TokensCapacity;
    public nuint TokensNeeded;
    public int* Lengths;
    public double* LogProbabilities;
    public double* Scores;
    public int* Finished;
}

// Since 0.5.0.

[StructLayout(LayoutKind.Sequential)]
internal struct TaskInfo
{
    public uint StructSize;
    public int Kind;
    public int Target;
    public int Outputs;
    public int PerTimestep;
    public int VocabSize;
    public int FeatureSize;
    public int Unit;               // -1: no text inputs
    public int Lowercase;
}

// Since 0.6.0.

/// <summary>rnn_stream_request: one stream of rnn_model_sample_many.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct StreamRequestConfig
{
    public uint StructSize;
    public int MaxTokens;
    public byte* Prompt;
    public float Temperature;
    public int TopK;
    public float TopP;
    public int StopCount;
    public byte** Stop;
    public ulong Seed;
}

/// <summary>rnn_sample_many_result: the caller's buffers, and the text size the library reports.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SampleManyResult
{
    public uint StructSize;
    public int Reserved;
    public byte* Text;
    public nuint TextCapacity;
    public nuint TextNeeded;
    public nuint* TextSizes;
    public int* Tokens;
    public int* Finish;
}

#pragma warning restore CS0649

/// <summary>Reads and writes versioned structs: never more than the caller's struct_size bytes.</summary>
internal static unsafe class StructSize
{
    /// <summary>The caller's struct over <paramref name="defaults"/>: fields past its struct_size keep their defaults.</summary>
    public static T Read<T>(T* source, T defaults, string argument)
        where T : unmanaged
    {
        if (source == null) throw new ArgumentNullException(argument);
        uint size = *(uint*)source;
        if (size < sizeof(uint) * 2)
        {
            throw new ArgumentException($"{argument}->struct_size is {size}; fill the struct with its _config_init function first.", argument);
        }
        T value = defaults;
        Buffer.MemoryCopy(source, &value, sizeof(T), Math.Min(size, (uint)sizeof(T)));
        return value;
    }

    /// <summary>Writes <paramref name="value"/> into the caller's struct, at most its struct_size bytes, keeping that size.</summary>
    public static void Write<T>(T* destination, T value, string argument)
        where T : unmanaged
    {
        if (destination == null) throw new ArgumentNullException(argument);
        uint size = *(uint*)destination;
        if (size < sizeof(uint) * 2)
        {
            throw new ArgumentException($"{argument}->struct_size is {size}; set it to sizeof the struct.", argument);
        }
        *(uint*)&value = size;
        Buffer.MemoryCopy(&value, destination, size, Math.Min(size, (uint)sizeof(T)));
    }

    /// <summary><c>rnn_x_config_init_sized</c>: the defaults, limited to the caller's <paramref name="size"/>.</summary>
    public static void Init<T>(T* destination, nuint size, T defaults, string argument)
        where T : unmanaged
    {
        if (destination == null) throw new ArgumentNullException(argument);
        if (size < sizeof(uint) * 2 || size > 1 << 16)
        {
            throw new ArgumentException($"struct_size {size} is not the size of a config struct; pass sizeof(*{argument}).", nameof(size));
        }
        *(uint*)destination = (uint)size;
        Write(destination, defaults, argument);
    }
}
