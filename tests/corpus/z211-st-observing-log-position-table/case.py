import os
import random
import tempfile
from dataclasses import dataclass

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class EncoderSpec:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    positions: int = 32


@dataclass
class FitSpec:
    max_seq_length: int = 128
    batch_size: int = 4
    epochs: int = 1
    lr: float = 1e-4


TARGETS = ["m31", "m42", "ngc7000", "vega", "jupiter", "saturn", "m13", "orion", "pleiades", "mars"]
SKY = ["clear", "thin cirrus", "patchy cloud", "haze near horizon", "transparent"]
SEEING = ["seeing steady", "seeing poor", "seeing average", "strong turbulence"]
GEAR = ["refractor", "dobsonian", "binoculars", "newtonian", "camera"]
NOTES = [
    "dew on the secondary mirror so paused to use the heater",
    "guiding drifted after the meridian flip and frames were discarded",
    "moon rose late and washed out the faint outer detail",
    "neighbours lights switched off around midnight which helped a lot",
    "collimation checked at the start and star test looked symmetric",
    "wind shook the tube during longer exposures",
]


def observing_sessions(n, seed=3):
    rng = random.Random(seed)
    for night in range(n):
        target = rng.choice(TARGETS)
        notes = " ".join(rng.sample(NOTES, 3))
        log = (f"night {night} target {target} with the {rng.choice(GEAR)} sky {rng.choice(SKY)} "
               f"{rng.choice(SEEING)} {notes}")
        summary = f"{target} observed {rng.choice(SKY)}"
        yield log, summary


def build_tiny_encoder(folder, corpus, spec):
    words = sorted({w for text in corpus for w in text.lower().split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=spec.hidden, num_hidden_layers=spec.layers,
                     num_attention_heads=spec.heads, intermediate_size=spec.ffn,
                     max_position_embeddings=spec.positions)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def main():
    torch.manual_seed(0)
    enc_spec, fit_spec = EncoderSpec(), FitSpec()
    pairs = list(observing_sessions(24))
    corpus = [text for pair in pairs for text in pair]
    with tempfile.TemporaryDirectory() as tmp:
        path = build_tiny_encoder(tmp, corpus, enc_spec)
        word_model = models.Transformer(path, max_seq_length=fit_spec.max_seq_length)
        pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
        embedder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

        examples = [InputExample(texts=[log, summary]) for log, summary in pairs]
        loader = DataLoader(examples, batch_size=fit_spec.batch_size, shuffle=True)
        objective = losses.MultipleNegativesRankingLoss(embedder)
        embedder.old_fit(train_objectives=[(loader, objective)], epochs=fit_spec.epochs, warmup_steps=2,
                         optimizer_params={"lr": fit_spec.lr}, show_progress_bar=False)

        query = embedder.encode(["jupiter observed clear"], convert_to_tensor=True)
        logs = embedder.encode([log for log, _ in pairs], convert_to_tensor=True)
        best = torch.nn.functional.cosine_similarity(query, logs).argmax().item()
        print("closest log:", pairs[best][0][:60])


if __name__ == "__main__":
    main()
