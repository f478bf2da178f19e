import numpy as np
import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from sentence_transformers.models.tokenizer import WhitespaceTokenizer
from torch.utils.data import DataLoader

RELATIONS = ("unrelated", "related", "duplicate")

TRIAGE_PAIRS = [
    ("app crashes when opening settings", "crash on settings screen open", "duplicate"),
    ("login button does nothing on android", "cannot log in tapping login on android", "duplicate"),
    ("dark mode text is unreadable", "text too dark in dark mode", "duplicate"),
    ("export to csv drops last row", "csv export missing final row", "duplicate"),
    ("memory leak after long upload", "uploads slowly use more memory", "duplicate"),
    ("search returns stale results", "search results not updated after edit", "duplicate"),
    ("app crashes when opening settings", "settings page slow to load", "related"),
    ("login button does nothing on android", "login page layout broken on tablet", "related"),
    ("dark mode text is unreadable", "icons wrong colour in dark mode", "related"),
    ("export to csv drops last row", "export to pdf has wrong fonts", "related"),
    ("memory leak after long upload", "upload progress bar stuck", "related"),
    ("search returns stale results", "search box loses focus", "related"),
    ("app crashes when opening settings", "csv export missing final row", "unrelated"),
    ("login button does nothing on android", "icons wrong colour in dark mode", "unrelated"),
    ("dark mode text is unreadable", "upload progress bar stuck", "unrelated"),
    ("export to csv drops last row", "cannot log in tapping login on android", "unrelated"),
    ("memory leak after long upload", "search box loses focus", "unrelated"),
    ("search returns stale results", "settings page slow to load", "unrelated"),
]


def make_encoder(texts, dim=24, seed=0):
    vocab = sorted({w for t in texts for w in t.split()})
    rng = np.random.default_rng(seed)
    table = rng.normal(0, 0.3, size=(len(vocab), dim)).astype(np.float32)
    emb = models.WordEmbeddings(WhitespaceTokenizer(vocab, do_lower_case=True), table, update_embeddings=True)
    pool = models.Pooling(emb.get_embedding_dimension(), pooling_mode="mean")
    dense = models.Dense(in_features=dim, out_features=dim, activation_function=torch.nn.Tanh())
    return SentenceTransformer(modules=[emb, pool, dense], device="cpu")


def to_examples(rows):
    code = {name: i for i, name in enumerate(RELATIONS)}
    return [InputExample(texts=[a, b], label=code[rel]) for a, b, rel in rows]


def train_triage_model(rows, epochs=2, batch_size=6):
    all_text = [t for a, b, _ in rows for t in (a, b)]
    encoder = make_encoder(all_text)
    loader = DataLoader(to_examples(rows), batch_size=batch_size, shuffle=True)
    head = losses.SoftmaxLoss(
        model=encoder,
        embedding_dimension=encoder.get_embedding_dimension(),
        num_labels=len(RELATIONS),
    )
    encoder.old_fit(train_objectives=[(loader, head)], epochs=epochs, warmup_steps=1,
                    optimizer_params={"lr": 5e-3}, show_progress_bar=False)
    return encoder


def nearest_report(encoder, query, reports):
    q = encoder.encode([query], convert_to_tensor=True)
    r = encoder.encode(reports, convert_to_tensor=True)
    scores = torch.nn.functional.cosine_similarity(q, r)
    return reports[int(scores.argmax())], float(scores.max())


if __name__ == "__main__":
    torch.manual_seed(0)
    model = train_triage_model(TRIAGE_PAIRS)
    known = sorted({b for _, b, _ in TRIAGE_PAIRS})
    print(nearest_report(model, "settings screen crash", known))
