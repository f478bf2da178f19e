"""Train a tiny sentence encoder so similar drill-core interval descriptions land close together."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

CORE_PAIRS = [
    ("grey fine grained sandstone with cross bedding and scattered mica flakes",
     "fine grey sandstone cross bedded with mica", 0.9),
    ("black pyritic shale fissile with thin siltstone laminae",
     "dark shale with pyrite and silty laminations", 0.85),
    ("massive white limestone with crinoid fragments and stylolites",
     "red mudstone with desiccation cracks", 0.1),
    ("weathered granite saprolite clay rich with relict quartz veins",
     "fresh granite coarse grained pink feldspar", 0.4),
    ("interbedded sandstone and shale " + " ".join(
        ["thin sandstone bed with ripple marks overlain by grey shale with plant debris"] * 6),
     "rhythmic sandstone shale alternation with ripples and plant fragments", 0.8),
    ("conglomerate with rounded quartzite pebbles in sandy matrix",
     "pebbly conglomerate quartzite clasts sand matrix", 0.9),
]


class PairBuilderMixin:
    def build_examples(self, pairs):
        return [InputExample(texts=[a, b], label=float(score)) for a, b, score in pairs]


class BaseExperiment(PairBuilderMixin):
    MAX_LEN = 64
    HIDDEN = 32
    POOLING = "mean"
    BATCH = 2

    def __init__(self, workdir=None, position_table=64, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.workdir = workdir or tempfile.mkdtemp(prefix="core_")
        self.position_table = position_table
        random.seed(seed)
        torch.manual_seed(seed)

    def vocabulary(self):
        words = sorted({w for a, b, _ in CORE_PAIRS for w in (a + " " + b).split()})
        return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words

    def save_backbone(self):
        backbone_dir = os.path.join(self.workdir, "backbone")
        os.makedirs(backbone_dir, exist_ok=True)
        vocab = self.vocabulary()
        with open(os.path.join(backbone_dir, "vocab.txt"), "w") as fh:
            fh.write("\n".join(vocab) + "\n")
        BertTokenizer(os.path.join(backbone_dir, "vocab.txt")).save_pretrained(backbone_dir)
        cfg = BertConfig(vocab_size=len(vocab), hidden_size=self.HIDDEN, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=self.position_table)
        BertModel(cfg).save_pretrained(backbone_dir)
        return backbone_dir

    def build_model(self):
        word = models.Transformer(self.save_backbone(), max_seq_length=self.MAX_LEN)
        pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode=self.POOLING)
        return SentenceTransformer(modules=[word, pool], device="cpu")

    def make_batch(self, examples):
        return DataLoader(examples, batch_size=self.BATCH, shuffle=True)

    def compute_loss(self, model):
        return losses.CosineSimilarityLoss(model)

    def run(self, epochs=1):
        model = self.build_model()
        print(f"{type(self).__name__}: max_seq_length={model.max_seq_length}")
        loader = self.make_batch(self.build_examples(CORE_PAIRS))
        model.old_fit(train_objectives=[(loader, self.compute_loss(model))], epochs=epochs,
                      warmup_steps=1, show_progress_bar=False)
        return model


class CoreLogExperiment(BaseExperiment):
    # logging geologists write long run-on interval descriptions
    MAX_LEN = 128
    POOLING = "cls"

    def __init__(self, **kwargs):
        super().__init__(seed=11, **kwargs)


if __name__ == "__main__":
    exp = CoreLogExperiment()
    encoder = exp.run()
    emb = encoder.encode(["grey sandstone with mica", "black shale with pyrite"], convert_to_tensor=True)
    print("cosine:", torch.nn.functional.cosine_similarity(emb[0], emb[1], dim=0).item())
