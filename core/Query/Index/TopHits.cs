namespace ImageSearch.Core.Query.Index;

/// <summary>The k best (row, score) pairs seen so far: a min-heap on score, ties going to the lower row.</summary>
internal sealed class TopHits(int k)
{
    private readonly PriorityQueue<SearchHit, (float Score, int NegativeRow)> _heap = new(k + 1);

    public IEnumerable<SearchHit> Items => _heap.UnorderedItems.Select(i => i.Element);

    public void Offer(int row, float score)
    {
        if (_heap.Count < k)
        {
            _heap.Enqueue(new SearchHit(row, score), (score, -row));
        }
        else if (_heap.TryPeek(out _, out var worst) && (score > worst.Score || (score == worst.Score && -row > worst.NegativeRow)))
        {
            _heap.DequeueEnqueue(new SearchHit(row, score), (score, -row));
        }
    }

    /// <summary>Best first; equal scores in row order, so results are deterministic.</summary>
    public List<SearchHit> ToSortedList() => [.. Items.OrderByDescending(h => h.Score).ThenBy(h => h.Row)];
}
