"""Train a small sentence encoder that scores how close two patent claims are."""
import argparse
import logging
import random
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
logger = logging.getLogger("claim-sim")


class Overlap(Enum):
    DISTINCT = 0.0
    RELATED = 0.5
    EQUIVALENT = 1.0


PREAMBLE = "a device comprising a housing a controller coupled to the housing and"
CLAIMS = {
    "pump_a": PREAMBLE + " a pump configured to circulate coolant through a closed loop wherein the "
              "controller adjusts a speed of the pump based on a temperature measured by a sensor "
              "mounted on an outlet of the loop and a valve disposed upstream of the pump",
    "pump_b": PREAMBLE + " an impeller driven by a motor to move coolant around a sealed circuit wherein "
              "the controller varies the motor speed in response to a temperature reading taken at an "
              "outlet of the circuit and a valve disposed upstream of the impeller",
    "lens_a": PREAMBLE + " a lens assembly having a first lens and a second lens movable along an optical "
              "axis wherein the controller drives an actuator to shift the second lens to focus light "
              "onto an image sensor",
    "hinge_a": PREAMBLE + " a hinge connecting a lid to the housing wherein the hinge includes a torsion "
               "spring and a damper that slows rotation of the lid when the lid is released by a latch",
}
PAIRS = [
    ("pump_a", "pump_b", Overlap.EQUIVALENT),
    ("pump_a", "lens_a", Overlap.DISTINCT),
    ("lens_a", "hinge_a", Overlap.RELATED),
    ("pump_b", "hinge_a", Overlap.DISTINCT),
]


@dataclass(frozen=True)
class EncoderConfig:
    hidden: int = 32
    max_positions: int = 48
    max_seq_length: int = 128
    batch_size: int = 2
    epochs: int = 1
    seed: int = 5


def save_base_model(cfg: EncoderConfig, out_dir: Path) -> Path:
    words = sorted({w for text in CLAIMS.values() for w in text.split()})
    vocab = out_dir / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(str(vocab))
    bert = BertModel(BertConfig(vocab_size=len(tok), hidden_size=cfg.hidden, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64,
                                max_position_embeddings=cfg.max_positions))
    model_dir = out_dir / "claim-bert"
    bert.save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    return model_dir


def training_examples():
    for left, right, overlap in PAIRS:
        yield InputExample(texts=[CLAIMS[left], CLAIMS[right]], label=overlap.value)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=EncoderConfig.epochs)
    parser.add_argument("--max-seq-length", type=int, default=EncoderConfig.max_seq_length)
    args = parser.parse_args([])
    cfg = EncoderConfig(epochs=args.epochs, max_seq_length=args.max_seq_length)

    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    root = Path(tempfile.mkdtemp(prefix="claims-"))
    try:
        model_dir = save_base_model(cfg, root)
        word_model = models.Transformer(str(model_dir), max_seq_length=cfg.max_seq_length)
        pooling = models.Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
        encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")
        longest = max(len(text.split()) for text in CLAIMS.values())
        logger.info("encoder ready, longest claim has %d words", longest)

        loader = DataLoader(list(training_examples()), shuffle=True, batch_size=cfg.batch_size)
        loss = losses.CosineSimilarityLoss(encoder)
        encoder.old_fit(train_objectives=[(loader, loss)], epochs=cfg.epochs,
                        warmup_steps=0, show_progress_bar=False)

        emb = encoder.encode([CLAIMS["pump_a"], CLAIMS["pump_b"]], convert_to_tensor=True,
                             show_progress_bar=False)
        logger.info("pump claims cosine: %.3f", torch.cosine_similarity(emb[0], emb[1], dim=0).item())
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
