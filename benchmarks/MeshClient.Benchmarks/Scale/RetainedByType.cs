using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Where benchmark 1's retained bytes go: applies the same full state (10,000 clusters x 10 endpoints) as
/// <see cref="ScaleApplyBenchmarks"/>, then walks the object graph reachable from the registry's snapshot, then what the
/// xDS resource cache adds, then what the rest of the ADS client adds, and prints bytes per endpoint by type for each
/// (object sizes from the runtime's type sizes, the same figures a heap dump shows). A diagnostic, not a benchmark:
/// <c>dotnet run -c Release --project benchmarks/MeshClient.Benchmarks -- --retained-by-type</c>.
/// </summary>
internal static class RetainedByType
{
    private const int Services = 10_000;

    public static void Run()
    {
        var clusters = ScaleMesh.Clusters(Services);
        var endpoints = ScaleMesh.Endpoints(Enumerable.Range(0, Services));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var client = new ScaleClient();
        client.Apply(clusters);
        client.Apply(endpoints);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var count = (double)(Services * ScaleMesh.EndpointsPerService);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GC.GetTotalMemory: {(after - before) / count:0.0} B per endpoint"));

        var walker = new GraphWalker();
        var ads = Field(client, "_client");
        var parts = new (string Name, object Root)[]
        {
            ("registry snapshot", client.Registry.Current),
            ("xDS resource cache", Field(ads, "_cache")),
            ("rest of the ADS client and stream", client),
        };
        var total = 0L;
        foreach (var (name, root) in parts)
        {
            var sizes = walker.Walk(root);
            var bytes = sizes.Values.Sum(s => s.Bytes);
            total += bytes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {name}: {bytes / count:0.0} B per endpoint"));
            foreach (var (type, (objects, size)) in sizes.OrderByDescending(s => s.Value.Bytes).Take(25))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {size / count,7:0.0} B/ep  {objects / count,7:0.000} obj/ep  {type}"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== walked in all: {total / count:0.0} B per endpoint"));
        GC.KeepAlive(client);
        MeasureSnapshotAlone(clusters, endpoints);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MeasureSnapshotAlone(byte[] clusters, byte[] endpoints)
    {
        var count = (double)(Services * ScaleMesh.EndpointsPerService);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var snapshot = Applied(clusters, endpoints);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GC.GetTotalMemory of the snapshot alone (client dropped): {(after - before) / count:0.0} B per endpoint"));
        GC.KeepAlive(snapshot);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static object Applied(byte[] clusters, byte[] endpoints)
    {
        var client = new ScaleClient();
        client.Apply(clusters);
        client.Apply(endpoints);
        return client.Registry.Current;
    }

    private static object Field(object owner, string name) =>
        owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(owner)!;

    /// <summary>Walks object graphs; an object already seen by an earlier walk is not counted again.</summary>
    private sealed class GraphWalker
    {
        private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Type, FieldInfo[]> _fields = [];
        private readonly Dictionary<object, string> _via = new(ReferenceEqualityComparer.Instance);

        public Dictionary<string, (long Objects, long Bytes)> Walk(object root)
        {
            var sizes = new Dictionary<string, (long Objects, long Bytes)>(StringComparer.Ordinal);
            var pending = new Stack<object>();
            Visit(root, pending);
            while (pending.TryPop(out var current))
            {
                var type = current.GetType();
                var name = TypeName(type);
                if (current is string or string[] && _via.Remove(current, out var via))
                {
                    name += " via " + via;
                }

                sizes[name] = sizes.TryGetValue(name, out var s) ? (s.Objects + 1, s.Bytes + SizeOf(current)) : (1, SizeOf(current));
                if (current is Array array)
                {
                    var element = type.GetElementType()!;
                    if (element.IsPrimitive || element.IsPointer)
                    {
                        continue;
                    }

                    foreach (var item in array)
                    {
                        if (item is null)
                        {
                            continue;
                        }

                        if (element.IsValueType)
                        {
                            VisitFields(item, pending);
                        }
                        else
                        {
                            Visit(item, pending, TypeName(type));
                        }
                    }

                    continue;
                }

                VisitFields(current, pending);
            }

            return sizes;
        }

        private void VisitFields(object value, Stack<object> pending)
        {
            foreach (var field in Fields(value.GetType()))
            {
                var child = field.GetValue(value);
                if (child is null)
                {
                    continue;
                }

                if (field.FieldType.IsValueType && !field.FieldType.IsPrimitive && !field.FieldType.IsEnum)
                {
                    VisitFields(child, pending);
                }
                else if (!field.FieldType.IsValueType)
                {
                    Visit(child, pending, TypeName(value.GetType()) + "." + field.Name);
                }
            }
        }

        private void Visit(object value, Stack<object> pending, string? via = null)
        {
            if (value is Type or Assembly or Module or MemberInfo || value.GetType().IsValueType)
            {
                return;
            }

            if (_seen.Add(value))
            {
                if (via is not null && value is string or string[])
                {
                    _via[value] = via;
                }

                pending.Push(value);
            }
        }

        private FieldInfo[] Fields(Type type)
        {
            if (_fields.TryGetValue(type, out var fields))
            {
                return fields;
            }

            var list = new List<FieldInfo>();
            for (var t = type; t is not null; t = t.BaseType)
            {
                list.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .Where(f => !f.FieldType.IsPointer && f.FieldType != typeof(IntPtr) && f.FieldType != typeof(UIntPtr) && !f.FieldType.IsByRefLike));
            }

            fields = [.. list];
            _fields[type] = fields;
            return fields;
        }

        private static long SizeOf(object value)
        {
            // MethodTable: the low 16 bits of the first DWORD are the component size of arrays and strings, the second
            // DWORD is the base size (header and method table pointer included).
            var methodTable = value.GetType().TypeHandle.Value;
            long size = (uint)Marshal.ReadInt32(methodTable, 4);
            if (value is string text)
            {
                size += 2L * text.Length;
            }
            else if (value is Array array)
            {
                size += (Marshal.ReadInt32(methodTable) & 0xFFFF) * (long)array.Length;
            }

            return (size + 7) & ~7L;
        }

        private static string TypeName(Type type)
        {
            if (!type.IsGenericType)
            {
                return type.IsArray ? TypeName(type.GetElementType()!) + "[]" : type.Name;
            }

            static string Plain(string name) => name.IndexOf('`', StringComparison.Ordinal) is var tick and >= 0 ? name[..tick] : name;
            var name = Plain(type.Name);
            var outer = type.DeclaringType is { } d && type.IsNested ? Plain(d.Name) + "." : string.Empty;
            return outer + name + "<" + string.Join(",", type.GetGenericArguments().Select(TypeName)) + ">";
        }
    }
}
