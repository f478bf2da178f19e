# Similarity model for meteorite catalogue entries (sentence-transformers, tiny random BERT).
import os
import tempfile
from collections import Counter
from types import SimpleNamespace

import torch
from torch import nn
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

GENERAL_WORDS = ("a the with and of in fine coarse grained iron rich stone metal pattern "
                 "visible crust fresh weathered dark light grey brown small large many few").split()

PAIRS = [
    ("fresh dark crust with many chondrules", "fine grained stone with visible chondrules", 0.9),
    ("iron rich kamacite and taenite pattern", "metal with widmanstatten pattern", 0.95),
    ("weathered brown stone few chondrules", "fresh dark crust with many chondrules", 0.5),
    ("coarse olivine crystals in iron metal", "pallasite with large olivine in metal", 0.9),
    ("light grey achondrite with pyroxene", "iron rich kamacite and taenite pattern", 0.1),
    ("pallasite with large olivine in metal", "weathered brown stone few chondrules", 0.2),
]


def save_base_model():
    root = tempfile.mkdtemp()
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + GENERAL_WORDS) + "\n")
    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return root


class UnkMonitor:
    def on_batch_start(self, state, features):
        for feat in features:
            ids = feat["input_ids"]
            state.unk_hits += int((ids == state.unk_id).sum())
            state.tokens_seen += int(feat["attention_mask"].sum())
        return features

    def on_forward(self, state, loss_value):
        state.losses.append(loss_value.item())
        return loss_value

    def on_epoch_end(self, state):
        rate = state.unk_hits / max(state.tokens_seen, 1)
        print(f"epoch {state.epoch}: loss {sum(state.losses) / len(state.losses):.4f}, unk rate {rate:.2%}")
        state.unk_hits = state.tokens_seen = 0
        state.losses.clear()


class VocabGrowth:
    """After each epoch, register catalogue terms the tokenizer still maps to [UNK]."""

    def __init__(self, min_count=1):
        self.min_count = min_count

    def on_batch_start(self, state, features):
        return features

    def on_forward(self, state, loss_value):
        return loss_value

    def on_epoch_end(self, state):
        tok = state.st_model.tokenizer
        counts = Counter(w for text in state.corpus for w in text.split()
                         if tok.convert_tokens_to_ids(w) == state.unk_id)
        fresh = [w for w, c in counts.items() if c >= self.min_count]
        state.added_tokens += tok.add_tokens(fresh)
        state.st_model[0].auto_model.resize_token_embeddings(len(tok))
        print(f"vocab growth: +{len(fresh)} terms, tokenizer size now {len(tok)}")


class Engine:
    def __init__(self, callbacks, state):
        self.callbacks, self.state = callbacks, state

    def fire(self, hook, value=None):
        for cb in self.callbacks:
            out = getattr(cb, hook)(self.state, *(() if value is None else (value,)))
            value = value if out is None else out
        return value


class EngineLoss(nn.Module):
    """Wraps a sentence-transformers loss so the engine sees every batch."""

    def __init__(self, inner, engine):
        super().__init__()
        self.inner, self.engine = inner, engine

    def forward(self, sentence_features, labels):
        sentence_features = self.engine.fire("on_batch_start", sentence_features)
        value = self.inner(sentence_features, labels)
        return self.engine.fire("on_forward", value)


def main():
    base_dir = save_base_model()
    encoder = models.Transformer(base_dir, max_seq_length=32)
    pooling = models.Pooling(encoder.get_embedding_dimension(), pooling_mode="mean")
    st_model = SentenceTransformer(modules=[encoder, pooling], device="cpu")

    corpus = sorted({t for a, b, _ in PAIRS for t in (a, b)})
    state = SimpleNamespace(st_model=st_model, corpus=corpus, unk_id=st_model.tokenizer.unk_token_id,
                            unk_hits=0, tokens_seen=0, losses=[], added_tokens=0, epoch=0)
    engine = Engine([UnkMonitor(), VocabGrowth(min_count=1)], state)

    examples = [InputExample(texts=[a, b], label=s) for a, b, s in PAIRS]
    loader = DataLoader(examples, batch_size=3, shuffle=True)
    objective = EngineLoss(losses.CosineSimilarityLoss(st_model), engine)

    for epoch in range(3):
        st_model.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0,
                         optimizer_params={"lr": 1e-3}, show_progress_bar=False)
        engine.fire("on_epoch_end")
        state.epoch = epoch + 1

    emb = st_model.encode(corpus[:2], convert_to_tensor=True)
    print("pair cosine:", torch.cosine_similarity(emb[0], emb[1], dim=0).item())


if __name__ == "__main__":
    main()
