"""Train a small sentence encoder to tell whether two tasting notes describe
the same grape, a related style, or something unrelated (NLI-style pairs)."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(14)
torch.manual_seed(14)

SETTINGS = dict(dim=384, n_labels=3, batch=4, epochs=1, lr=2e-4)

PAIRS = [
    ("black cherry and cedar firm tannins", "cassis graphite and grippy tannin", 0),
    ("lime zest wet stone high acid", "green apple flint and racy acidity", 0),
    ("ripe plum soft tannin chocolate", "black cherry and cedar firm tannins", 1),
    ("honeyed apricot with gentle sweetness", "lime zest wet stone high acid", 1),
    ("smoky bacon fat and black pepper", "lime zest wet stone high acid", 2),
    ("green apple flint and racy acidity", "ripe plum soft tannin chocolate", 2),
    ("strawberry and violet silky texture", "raspberry rose petal light body", 0),
    ("raspberry rose petal light body", "smoky bacon fat and black pepper", 2),
]


def build_encoder(folder):
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)

    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    model = build_encoder(tempfile.mkdtemp(prefix="wine_"))
    examples = [InputExample(texts=[a, b], label=lab) for a, b, lab in PAIRS]
    random.shuffle(examples)
    loader = DataLoader(examples, batch_size=SETTINGS["batch"], shuffle=True)

    objective = losses.SoftmaxLoss(
        model=model,
        sentence_embedding_dimension=model.get_sentence_embedding_dimension(),
        num_labels=SETTINGS["n_labels"],
    )
    model.old_fit(
        train_objectives=[(loader, objective)],
        epochs=SETTINGS["epochs"],
        optimizer_params={"lr": SETTINGS["lr"]},
        show_progress_bar=False,
    )

    query = "dark fruit cedar and firm tannin"
    notes = [a for a, _, _ in PAIRS[:5]]
    emb_q = model.encode(query, convert_to_tensor=True)
    emb_n = model.encode(notes, convert_to_tensor=True)
    scores = torch.nn.functional.cosine_similarity(emb_q.unsqueeze(0), emb_n)
    for note, s in sorted(zip(notes, scores.tolist()), key=lambda t: -t[1]):
        print(f"{s:+.3f}  {note}")


if __name__ == "__main__":
    main()
