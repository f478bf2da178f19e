"""Embed herbarium sheet labels so duplicate specimens from different herbaria can be matched."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer import modules as models
from transformers import BertConfig, BertModel, BertTokenizer

DATASETS, MODELS = {}, {}


def register(name):
    def _add(fn):
        kind, _, short = name.partition(":")
        {"data": DATASETS, "model": MODELS}[kind][short] = fn
        return fn
    return _add


def build(kind, name, **kw):
    return {"data": DATASETS, "model": MODELS}[kind][name](**kw)


# ---- data.py ----
# field markers used by the digitisation team when they transcribe a sheet
FIELD_MARKERS = ["[LEG]", "[DET]", "[LOC]", "[DATE]"]

LABEL_PAIRS = [
    ("[LEG] j smith [LOC] alpine meadow north slope [DATE] 1931",
     "[LEG] smith [LOC] north slope alpine meadow [DATE] 1931", 0.95),
    ("[DET] carex nigra [LOC] peat bog near lake", "[DET] carex nigra [LOC] lake edge peat bog", 0.9),
    ("[LEG] a brown [LOC] coastal dunes [DATE] 1958", "[LEG] k white [LOC] river gravel bar [DATE] 1902", 0.1),
    ("[DET] salix herbacea [LOC] scree above tarn", "[DET] carex nigra [LOC] coastal dunes", 0.05),
    ("[LEG] k white [DET] salix herbacea [DATE] 1902", "[LEG] white [DET] salix herbacea [DATE] 1902", 0.9),
    ("[LOC] river gravel bar [DATE] 1958", "[LOC] scree above tarn [DATE] 1931", 0.15),
]


def plain_words(rows):
    out = set()
    for a, b, _ in rows:
        out.update(w for w in (a + " " + b).split() if w not in FIELD_MARKERS)
    return sorted(out)


@register("data:herbarium-pairs")
def herbarium_pairs():
    return [InputExample(texts=[a, b], label=float(score)) for a, b, score in LABEL_PAIRS]


# ---- model.py ----
def save_tiny_bert(words):
    """Write a random-weight BERT + vocab to disk so sentence-transformers can load it."""
    root = tempfile.mkdtemp(prefix="herbarium_bert_")
    vocab = os.path.join(root, "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return root


@register("model:label-encoder")
def label_encoder(words, max_seq_length=48):
    word_emb = models.Transformer(save_tiny_bert(words), max_seq_length=max_seq_length)
    # keep the markers as single tokens instead of letting wordpiece split them
    added = word_emb.tokenizer.add_tokens(FIELD_MARKERS, special_tokens=True)
    print(f"added {added} marker tokens, tokenizer size now {len(word_emb.tokenizer)}")
    pooling = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_emb, pooling], device="cpu")


# ---- train.py ----
def main():
    random.seed(5)
    torch.manual_seed(5)
    examples = build("data", "herbarium-pairs")
    encoder = build("model", "label-encoder", words=plain_words(LABEL_PAIRS))

    loader = DataLoader(examples, shuffle=True, batch_size=3)
    objective = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, objective)], epochs=2, warmup_steps=1,
                    show_progress_bar=False)

    queries = ["[LEG] smith [LOC] alpine meadow", "[DET] carex nigra [LOC] peat bog"]
    vecs = encoder.encode(queries, convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(vecs[0], vecs[1], dim=0)
    print(f"embedding shape {tuple(vecs.shape)}, cross-query similarity {sim.item():.3f}")


if __name__ == "__main__":
    main()
