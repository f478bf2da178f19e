"""Match wind-turbine fault reports to maintenance procedures (bi-encoder).

Tiny BERT + mean pooling in sentence-transformers, trained with old_fit. A small
session class owns the epoch loop and fans events out to callback objects; the
batch hook runs inside a wrapper loss so callbacks see the real features.
"""
import os
import random
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

SCADA_TAIL = ("scada trace rotor rpm nominal pitch angle steady nacelle temp rising "
              "yaw error small grid frequency stable ") * 8

PAIRS = [
    ("gearbox oil temperature alarm after long run " + SCADA_TAIL,
     "inspect gearbox oil cooler and replace filter cartridge", 1.0),
    ("pitch motor overcurrent on blade two " + SCADA_TAIL,
     "check pitch drive motor brushes and encoder cable", 1.0),
    ("yaw drive grinding noise during high wind " + SCADA_TAIL,
     "grease yaw bearing and inspect yaw gear teeth", 1.0),
    ("gearbox oil temperature alarm after long run " + SCADA_TAIL,
     "grease yaw bearing and inspect yaw gear teeth", 0.0),
    ("pitch motor overcurrent on blade two " + SCADA_TAIL,
     "inspect gearbox oil cooler and replace filter cartridge", 0.0),
    ("yaw drive grinding noise during high wind " + SCADA_TAIL,
     "check pitch drive motor brushes and encoder cable", 0.0),
]


def save_tiny_encoder():
    out = tempfile.mkdtemp()
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
    vocab_path = os.path.join(out, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(vocab_path).save_pretrained(out)
    cfg = BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out)
    return out


class ContextWindow:
    """Lets long SCADA tails through; reports are useless if cut too early."""

    def __init__(self, tokens=128):
        self.tokens = tokens

    def on_epoch_start(self, session):
        session.model.max_seq_length = self.tokens


class FeatureProbe:
    def on_batch(self, session, features):
        if session.step == 0:
            print("anchor ids:", tuple(features[0]["input_ids"].shape))
        return features

    def on_eval(self, session, score):
        print(f"epoch {session.epoch}: mean gap pos-neg = {score:.4f}")


class HookedLoss(nn.Module):
    def __init__(self, session, inner):
        super().__init__()
        self.session, self.inner = session, inner

    def forward(self, sentence_features, labels):
        sentence_features = self.session.fire("on_batch", sentence_features)
        self.session.step += 1
        return self.inner(sentence_features, labels)


class FitSession:
    def __init__(self, model, callbacks, epochs=2):
        self.model, self.callbacks, self.epochs = model, callbacks, epochs
        self.epoch = self.step = 0

    def fire(self, name, *args):
        for cb in self.callbacks:
            fn = getattr(cb, name, None)
            if fn:
                res = fn(self, *args)
                if name == "on_batch":
                    args = (res,)
        return args[0] if args else None

    def score(self):
        a = self.model.encode([p[0] for p in PAIRS], convert_to_tensor=True)
        b = self.model.encode([p[1] for p in PAIRS], convert_to_tensor=True)
        sims = torch.cosine_similarity(a, b)
        gold = torch.tensor([p[2] for p in PAIRS])
        return (sims[gold == 1].mean() - sims[gold == 0].mean()).item()

    def run(self, loader):
        loss = HookedLoss(self, losses.CosineSimilarityLoss(self.model))
        for self.epoch in range(1, self.epochs + 1):
            self.fire("on_epoch_start")
            self.model.old_fit(train_objectives=[(loader, loss)], epochs=1,
                               warmup_steps=0, show_progress_bar=False)
            self.fire("on_eval", self.score())


def main():
    path = save_tiny_encoder()
    encoder = Transformer(path)
    model = SentenceTransformer(modules=[encoder, Pooling(encoder.get_embedding_dimension(), "mean")],
                                device="cpu")
    examples = [InputExample(texts=[a, b], label=y) for a, b, y in PAIRS]
    loader = DataLoader(examples, batch_size=3, shuffle=True)
    session = FitSession(model, [ContextWindow(), FeatureProbe()])
    session.run(loader)
    print("final gap:", round(session.score(), 4))


if __name__ == "__main__":
    main()
