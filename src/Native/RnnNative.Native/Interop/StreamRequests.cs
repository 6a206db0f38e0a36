using System.Text;
using RnnNative.Diagnostics;
using RnnNative.Sampling;

namespace RnnNative.Native.Interop;

/// <summary>rnn_model_sample_many's arguments: the caller's array of rnn_stream_request to engine requests, the engine's
/// per-request field names to the C ones, and the results into the caller's rnn_sample_many_result.</summary>
internal static unsafe class StreamRequests
{
    /// <summary>The engine's names of a request's fields and the C struct's.</summary>
    private static readonly (string Engine, string C)[] s_fields =
    [
        (nameof(StreamRequest.Prompt), "prompt"), (nameof(StreamRequest.MaxTokens), "max_tokens"), (nameof(StreamRequest.Temperature), "temperature"),
        (nameof(StreamRequest.TopK), "top_k"), (nameof(StreamRequest.TopP), "top_p"), (nameof(StreamRequest.StopStrings), "stop"), (nameof(StreamRequest.Seed), "seed"),
    ];

    /// <summary>rnn_stream_request_init's defaults: the engine's.</summary>
    public static StreamRequestConfig Defaults()
    {
        StreamRequest d = new("");
        return new StreamRequestConfig { StructSize = (uint)sizeof(StreamRequestConfig), MaxTokens = d.MaxTokens, Temperature = d.Temperature, TopK = d.TopK, TopP = d.TopP, Seed = d.Seed };
    }

    /// <summary>The <paramref name="count"/> requests of the caller's array, whose stride is its first element's struct_size
    /// (every element must have the same).</summary>
    public static StreamRequest[] Read(StreamRequestConfig* requests, nuint count)
    {
        if (count == 0) return [];
        if (requests == null) throw new ArgumentNullException("requests", $"requests is NULL but count is {count}.");
        if (count > int.MaxValue) throw new ArgumentOutOfRangeException("count", count, "more than 2^31-1 requests in one call.");
        uint stride = requests->StructSize;
        StreamRequest[] result = new StreamRequest[count];
        for (int i = 0; i < result.Length; i++)
        {
            string name = $"requests[{i}]";
            StreamRequestConfig* element = (StreamRequestConfig*)((byte*)requests + (nuint)i * stride);
            if (element->StructSize != stride)
            {
                throw new ArgumentException($"{name}.struct_size is {element->StructSize} but requests[0]'s is {stride}: fill every request with rnn_stream_request_init.", $"{name}.struct_size");
            }
            StreamRequestConfig c = StructSize.Read(element, Defaults(), name);
            if (c.StopCount < 0) throw new ArgumentOutOfRangeException($"{name}.stop_count", c.StopCount, "must be 0 or more");
            result[i] = new StreamRequest(Marshalling.String(c.Prompt, $"{name}.prompt", nullAsEmpty: true))
            {
                MaxTokens = c.MaxTokens,
                Temperature = c.Temperature,
                TopK = c.TopK,
                TopP = c.TopP,
                StopStrings = Marshalling.Strings(c.Stop, (nuint)c.StopCount, $"{name}.stop"),
                Seed = c.Seed,
            };
        }
        return result;
    }

    /// <summary><see cref="TextGenerator.Generate(IReadOnlyList{StreamRequest})"/>, its "requests[i].Field" errors renamed to the C fields.</summary>
    public static StreamResult[] Generate(TextGenerator generator, StreamRequest[] requests)
    {
        try
        {
            return generator.Generate(requests);
        }
        catch (ArgumentException e) when (e.ParamName is { } name && name.StartsWith("requests[", StringComparison.Ordinal))
        {
            int dot = name.IndexOf(']', StringComparison.Ordinal) + 1;
            string field = name[(dot + 1)..];
            string c = $"{name[..dot]}.{s_fields.FirstOrDefault(f => f.Engine == field).C ?? field}";
            string reason = ErrorText.Reason(e);
            throw new ArgumentException(reason.StartsWith(name, StringComparison.Ordinal) ? c + reason[name.Length..] : $"{c}: {reason}", c, e);
        }
    }

    /// <summary>Checks the caller's result struct and clears the size it reports.</summary>
    public static SampleManyResult* Result(SampleManyResult* result)
    {
        if (result == null) throw new ArgumentNullException("result");
        if (result->StructSize < sizeof(SampleManyResult))
        {
            throw new ArgumentException($"result->struct_size is {result->StructSize}; set it to sizeof(rnn_sample_many_result) ({sizeof(SampleManyResult)}).", "result");
        }
        result->TextNeeded = 0;
        return result;
    }

    /// <summary>Writes the results: the texts (each with its NUL) when the caller's buffer holds them all, else
    /// RNN_E_BUFFER_TOO_SMALL with only text_needed written; sizes, token counts and finish reasons where wanted.</summary>
    public static Status Write(StreamResult[] results, SampleManyResult* result)
    {
        byte[][] texts = [.. results.Select(r => Encoding.UTF8.GetBytes(r.Text))];
        nuint textBytes = 0;
        foreach (byte[] text in texts) textBytes += (nuint)text.Length + 1;   // the text and its NUL
        result->TextNeeded = textBytes;
        if (result->Text != null && textBytes > result->TextCapacity)
        {
            return ExportGuard.Fail(Status.BufferTooSmall, $"result->text holds {result->TextCapacity} bytes but the {results.Length} texts and their NULs need {textBytes}.");
        }
        byte* at = result->Text;
        for (int i = 0; i < results.Length; i++)
        {
            if (at != null)
            {
                texts[i].CopyTo(new Span<byte>(at, texts[i].Length));
                at += texts[i].Length;
                *at++ = 0;
            }
            if (result->TextSizes != null) result->TextSizes[i] = (nuint)texts[i].Length;
            if (result->Tokens != null) result->Tokens[i] = results[i].Tokens;
            if (result->Finish != null) result->Finish[i] = (int)results[i].Finish;
        }
        return Status.Ok;
    }
}
