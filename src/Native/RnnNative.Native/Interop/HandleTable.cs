namespace RnnNative.Native.Interop;

/// <summary>The object types behind the opaque handles of rnn.h, as named there.</summary>
internal enum HandleKind : byte
{
    Model = 1,
    Vocabulary = 2,
    Corpus = 3,
    Trainer = 4,
    State = 5,
    Sampler = 6,
    Generator = 7,
    Dataset = 8,
    Decoder = 9,
}

/// <summary>
/// Every live handle: a slot per object with its kind and a generation counter. The pointer value
/// a C host holds packs <c>generation &lt;&lt; 32 | kind &lt;&lt; 24 | (slot + 1)</c>; it is never
/// dereferenced, only looked up, so a NULL, freed (older generation), forged (no such slot or
/// generation) or wrong-type handle is an <see cref="InvalidHandleException"/>, never a crash.
/// Thread-safe. Handles are 64-bit values: the library targets 64-bit platforms only.
/// </summary>
internal static class HandleTable
{
    private const int MaxSlots = 1 << 24;

    private struct Slot
    {
        public object? Target;
        public HandleKind Kind;
        public uint Generation;
    }

    private static readonly Lock s_gate = new();
    private static readonly Stack<int> s_free = new();
    private static Slot[] s_slots = new Slot[64];
    private static int s_used;

    public static nint Add(HandleKind kind, object target)
    {
        lock (s_gate)
        {
            int index;
            if (s_free.Count > 0)
            {
                index = s_free.Pop();
            }
            else
            {
                if (s_used == MaxSlots) throw new OutOfMemoryException($"more than {MaxSlots} live handles.");
                if (s_used == s_slots.Length) Array.Resize(ref s_slots, s_slots.Length * 2);
                index = s_used++;
            }
            ref Slot slot = ref s_slots[index];
            slot.Generation = slot.Generation == uint.MaxValue ? 1 : slot.Generation + 1;   // 0 is never valid
            slot.Kind = kind;
            slot.Target = target;
            return (nint)((ulong)slot.Generation << 32 | (ulong)kind << 24 | (uint)(index + 1));
        }
    }

    /// <summary>The object behind <paramref name="handle"/>, which must be a live handle of <paramref name="kind"/>.</summary>
    public static T Get<T>(nint handle, HandleKind kind, string argument)
        where T : class
    {
        lock (s_gate)
        {
            return (T)s_slots[Find(handle, kind, argument)].Target!;
        }
    }

    /// <summary>Frees the slot of a live handle and returns its object; NULL returns null.</summary>
    public static object? Remove(nint handle, HandleKind kind, string argument)
    {
        if (handle == 0) return null;
        lock (s_gate)
        {
            int index = Find(handle, kind, argument);
            ref Slot slot = ref s_slots[index];
            object target = slot.Target!;
            slot.Target = null;
            s_free.Push(index);
            return target;
        }
    }

    private static int Find(nint handle, HandleKind kind, string argument)
    {
        ulong value = (ulong)handle;
        if (value == 0)
        {
            throw new InvalidHandleException($"{argument} is NULL; expected {Name(kind)}.");
        }
        int index = (int)(value & 0xFFFFFF) - 1;
        HandleKind claimed = (HandleKind)(byte)(value >> 24);
        uint generation = (uint)(value >> 32);
        if (index < 0 || index >= s_used || s_slots[index].Generation != generation || s_slots[index].Target is null || s_slots[index].Kind != claimed)
        {
            throw new InvalidHandleException($"{argument} (0x{value:x}) is not a live handle: it was destroyed already or never created by this library; expected {Name(kind)}.");
        }
        if (claimed != kind)
        {
            throw new InvalidHandleException($"{argument} is {Name(claimed)}, expected {Name(kind)}.");
        }
        return index;
    }

    private static string Name(HandleKind kind) => kind switch
    {
        HandleKind.Model => "an rnn_model*",
        HandleKind.Vocabulary => "an rnn_vocab*",
        HandleKind.Corpus => "an rnn_corpus*",
        HandleKind.Trainer => "an rnn_trainer*",
        HandleKind.State => "an rnn_state*",
        HandleKind.Sampler => "an rnn_sampler*",
        HandleKind.Generator => "an rnn_generator*",
        HandleKind.Dataset => "an rnn_dataset*",
        HandleKind.Decoder => "an rnn_decoder*",
        _ => "a handle",
    };
}
