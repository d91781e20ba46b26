namespace ImageSearch.Core.Build.ModelPreparation;

public sealed class ModelPreparationException : Exception
{
    public ModelPreparationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
