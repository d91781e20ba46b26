using System.Runtime.CompilerServices;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// The best <c>capacity</c> rows by an integer score, as one min-heap of packed keys (score in the high half, the
/// row inverted in the low half, so a larger key is a higher score and, on ties, the lower row). A row that cannot
/// enter costs one comparison, which is what a scan of a million rows mostly does.
/// </summary>
internal sealed class CandidateHeap(int capacity)
{
    private readonly long[] _keys = new long[capacity];

    public int Count { get; private set; }

    public bool IsFull => Count == _keys.Length;

    /// <summary>The lowest score kept (meaningful once full): a row must beat it to get in.</summary>
    public int LowestScore => ScoreOf(_keys[0]);

    public static long Key(int score, int row) => ((long)score << 32) | (uint)(int.MaxValue - row);

    public static int RowOf(long key) => int.MaxValue - (int)(uint)key;

    public static int ScoreOf(long key) => (int)(key >> 32);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Offer(int score, int row)
    {
        var key = Key(score, row);
        if (Count < _keys.Length)
        {
            var i = Count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (_keys[parent] <= key)
                {
                    break;
                }

                _keys[i] = _keys[parent];
                i = parent;
            }

            _keys[i] = key;
        }
        else if (key > _keys[0])
        {
            SiftDown(key);
        }
    }

    public void OfferAll(CandidateHeap other)
    {
        for (var i = 0; i < other.Count; i++)
        {
            Offer(ScoreOf(other._keys[i]), RowOf(other._keys[i]));
        }
    }

    /// <summary>The kept keys, best first.</summary>
    public long[] ToSortedKeys()
    {
        var keys = _keys.AsSpan(0, Count).ToArray();
        Array.Sort(keys);
        Array.Reverse(keys);
        return keys;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftDown(long key)
    {
        var i = 0;
        var count = Count;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && _keys[child + 1] < _keys[child])
            {
                child++;
            }

            if (_keys[child] >= key)
            {
                break;
            }

            _keys[i] = _keys[child];
            i = child;
        }

        _keys[i] = key;
    }
}
