"""gazecast training: canonical gaze data -> trained, evaluated, quantized model folder."""
