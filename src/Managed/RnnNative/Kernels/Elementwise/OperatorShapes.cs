using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

// The shapes an elementwise operator can take. An operator is a small readonly struct whose fields
// hold its scalar parameters (alpha, learning rate, ...); its one generic Invoke is the math for a
// register of any width, and a driver (ElementwiseDriver, ParameterUpdateDriver) owns the loop.
// Drivers take the operator as a struct type parameter, so each (operator, width) pair is compiled
// separately and Invoke inlines into the loop.

/// <summary><c>y = op(x)</c>.</summary>
internal interface IUnaryOperator
{
    TVec Invoke<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>;
}

/// <summary><c>y = op(a, b)</c>.</summary>
internal interface IBinaryOperator
{
    TVec Invoke<TVec, TSimd>(TVec a, TVec b)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>;
}

/// <summary>An optimizer step with one state tensor: updates <c>weight</c> and <c>state</c> from <c>gradient</c>.</summary>
internal interface IParameterUpdate
{
    void Invoke<TVec, TSimd>(ref TVec weight, TVec gradient, ref TVec state)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>;
}

/// <summary>An optimizer step with two state tensors (Adam's moments).</summary>
internal interface IParameterUpdate2
{
    void Invoke<TVec, TSimd>(ref TVec weight, TVec gradient, ref TVec state1, ref TVec state2)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>;
}
