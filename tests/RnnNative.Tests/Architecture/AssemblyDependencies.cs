using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace RnnNative.Tests.Architecture;

/// <summary>A type's namespace and name; a nested type carries its outermost type's namespace and an
/// <c>Outer+Inner</c> name, so a lambda's closure class counts for the type that wrote the lambda.</summary>
internal readonly record struct TypeName(string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";
}

/// <summary>One type defined in the assembly refers to another type (its own or a referenced assembly's).</summary>
internal readonly record struct TypeUse(TypeName User, TypeName Used);

/// <summary>
/// What an assembly's compiled code refers to, read from its metadata and IL rather than from source text,
/// so a dependency counts wherever it hides: base types, interfaces, generic constraints and arguments,
/// field, property and method signatures, attributes, locals, catch clauses, and every type, method and
/// field token in method bodies (lambdas and local functions included, through their compiler-made types).
/// </summary>
internal sealed class AssemblyDependencies
{
    /// <summary>Types defined in the assembly.</summary>
    public required IReadOnlySet<TypeName> Defined { get; init; }

    /// <summary>Distinct type-to-type references, self-references left out.</summary>
    public required IReadOnlyList<TypeUse> Uses { get; init; }

    /// <summary>Names of the assemblies the assembly references.</summary>
    public required IReadOnlyList<string> ReferencedAssemblies { get; init; }

    /// <summary>Methods declared as P/Invoke (<c>[DllImport]</c>, or what <c>[LibraryImport]</c> generates), as <c>Type.Method</c>.</summary>
    public required IReadOnlyList<string> PInvokeMethods { get; init; }

    public static AssemblyDependencies Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using PEReader pe = new(stream);
        MetadataReader metadata = pe.GetMetadataReader();
        HashSet<TypeName> defined = [];
        HashSet<TypeUse> uses = [];
        List<string> pInvoke = [];
        foreach (TypeDefinitionHandle handle in metadata.TypeDefinitions)
        {
            TypeName user = NameOf(metadata, handle);
            defined.Add(user);
            TypeCollector found = new(metadata);
            found.AddTypeMembers(pe, metadata.GetTypeDefinition(handle));
            foreach (TypeName used in found.Types)
                if (used != user) uses.Add(new TypeUse(user, used));
            foreach (MethodDefinitionHandle method in metadata.GetTypeDefinition(handle).GetMethods())
            {
                MethodDefinition definition = metadata.GetMethodDefinition(method);
                if ((definition.Attributes & MethodAttributes.PinvokeImpl) != 0)
                    pInvoke.Add($"{user}.{metadata.GetString(definition.Name)}");
            }
        }
        List<string> assemblies = [.. metadata.AssemblyReferences.Select(a => metadata.GetString(metadata.GetAssemblyReference(a).Name))];
        return new AssemblyDependencies { Defined = defined, Uses = [.. uses], ReferencedAssemblies = assemblies, PInvokeMethods = pInvoke };
    }

    private static TypeName NameOf(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        TypeDefinition type = metadata.GetTypeDefinition(handle);
        string name = metadata.GetString(type.Name);
        TypeDefinitionHandle outer = type.GetDeclaringType();
        if (outer.IsNil) return new TypeName(metadata.GetString(type.Namespace), name);
        TypeName outerName = NameOf(metadata, outer);
        return outerName with { Name = $"{outerName.Name}+{name}" };
    }

    private static TypeName NameOf(MetadataReader metadata, TypeReferenceHandle handle)
    {
        TypeReference type = metadata.GetTypeReference(handle);
        string name = metadata.GetString(type.Name);
        if (type.ResolutionScope.Kind != HandleKind.TypeReference) return new TypeName(metadata.GetString(type.Namespace), name);
        TypeName outerName = NameOf(metadata, (TypeReferenceHandle)type.ResolutionScope);
        return outerName with { Name = $"{outerName.Name}+{name}" };
    }

    /// <summary>Collects every type one type definition refers to; doubles as the signature decoder's
    /// type provider, which records each named type it meets and builds nothing.</summary>
    private sealed class TypeCollector(MetadataReader metadata) : ISignatureTypeProvider<object?, object?>
    {
        public HashSet<TypeName> Types { get; } = [];

        public void AddTypeMembers(PEReader pe, TypeDefinition type)
        {
            AddEntity(type.BaseType);
            foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations())
                AddEntity(metadata.GetInterfaceImplementation(i).Interface);
            AddGenericConstraints(type.GetGenericParameters());
            AddAttributes(type.GetCustomAttributes());
            foreach (FieldDefinitionHandle f in type.GetFields())
            {
                FieldDefinition field = metadata.GetFieldDefinition(f);
                field.DecodeSignature(this, null);
                AddAttributes(field.GetCustomAttributes());
            }
            foreach (PropertyDefinitionHandle p in type.GetProperties())
            {
                PropertyDefinition property = metadata.GetPropertyDefinition(p);
                property.DecodeSignature(this, null);
                AddAttributes(property.GetCustomAttributes());
            }
            foreach (EventDefinitionHandle e in type.GetEvents())
                AddEntity(metadata.GetEventDefinition(e).Type);
            foreach (MethodDefinitionHandle m in type.GetMethods())
                AddMethod(pe, metadata.GetMethodDefinition(m));
        }

        private void AddMethod(PEReader pe, MethodDefinition method)
        {
            method.DecodeSignature(this, null);
            AddGenericConstraints(method.GetGenericParameters());
            AddAttributes(method.GetCustomAttributes());
            foreach (ParameterHandle p in method.GetParameters())
                AddAttributes(metadata.GetParameter(p).GetCustomAttributes());
            if (method.RelativeVirtualAddress == 0) return;
            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
                metadata.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            foreach (ExceptionRegion region in body.ExceptionRegions)
                AddEntity(region.CatchType);
            AddInstructions(body.GetILReader());
        }

        /// <summary>Walks the IL and adds the type behind every type, method, field and signature token.</summary>
        private void AddInstructions(BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                byte code = il.ReadByte();
                OperandType operand = code == 0xFE ? OpCodeTable.TwoByte[il.ReadByte()] : OpCodeTable.OneByte[code];
                switch (operand)
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType
                        or OperandType.InlineTok or OperandType.InlineSig:
                        AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        // The count first: in `il.Offset += 4 * il.ReadInt32()` C# reads Offset before the
                        // count moves it, which lands 4 bytes short of the next instruction.
                        int targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    default:
                        il.Offset += OpCodeTable.OperandSize(operand);
                        break;
                }
            }
        }

        private void AddGenericConstraints(GenericParameterHandleCollection parameters)
        {
            foreach (GenericParameterHandle p in parameters)
                foreach (GenericParameterConstraintHandle c in metadata.GetGenericParameter(p).GetConstraints())
                    AddEntity(metadata.GetGenericParameterConstraint(c).Type);
        }

        private void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (CustomAttributeHandle a in attributes)
                AddEntity(metadata.GetCustomAttribute(a).Constructor);
        }

        private void AddEntity(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    Types.Add(NameOf(metadata, (TypeDefinitionHandle)handle));
                    break;
                case HandleKind.TypeReference:
                    Types.Add(NameOf(metadata, (TypeReferenceHandle)handle));
                    break;
                case HandleKind.TypeSpecification:
                    metadata.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    AddEntity(metadata.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    AddEntity(metadata.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MethodSpecification:
                    MethodSpecification specification = metadata.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddEntity(specification.Method);
                    specification.DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    MemberReference member = metadata.GetMemberReference((MemberReferenceHandle)handle);
                    AddEntity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                    else member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    metadata.GetStandaloneSignature((StandaloneSignatureHandle)handle).DecodeMethodSignature(this, null);
                    break;
            }
        }

        public object? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Types.Add(NameOf(reader, handle));
            return null;
        }

        public object? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            Types.Add(NameOf(reader, handle));
            return null;
        }

        public object? GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public object? GetArrayType(object? elementType, ArrayShape shape) => null;
        public object? GetByReferenceType(object? elementType) => null;
        public object? GetFunctionPointerType(MethodSignature<object?> signature) => null;
        public object? GetGenericInstantiation(object? genericType, ImmutableArray<object?> typeArguments) => null;
        public object? GetGenericMethodParameter(object? genericContext, int index) => null;
        public object? GetGenericTypeParameter(object? genericContext, int index) => null;
        public object? GetModifiedType(object? modifier, object? unmodifiedType, bool isRequired) => null;
        public object? GetPinnedType(object? elementType) => null;
        public object? GetPointerType(object? elementType) => null;
        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
        public object? GetSZArrayType(object? elementType) => null;
    }

    /// <summary>Operand kinds of the IL opcodes, taken from <see cref="OpCodes"/> so the walk knows how many bytes to skip.</summary>
    private static class OpCodeTable
    {
        public static readonly OperandType[] OneByte = new OperandType[256];
        public static readonly OperandType[] TwoByte = new OperandType[256];

        static OpCodeTable()
        {
            foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                OpCode code = (OpCode)field.GetValue(null)!;
                ushort value = unchecked((ushort)code.Value);
                if (code.Size == 1) OneByte[value] = code.OperandType;
                else if (value >> 8 == 0xFE) TwoByte[value & 0xFF] = code.OperandType;
            }
        }

        public static int OperandSize(OperandType operand) => operand switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            _ => 4, // InlineBrTarget, InlineI, InlineString, ShortInlineR
        };
    }
}
