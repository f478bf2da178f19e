"""Train a small bi-encoder that matches grant abstracts to reviewer expertise blurbs.

The programme office wants a shortlist of reviewers per proposal; similarity
targets come from last round's panel assignments (1.0 assigned, 0.0 declined
as out of scope).
"""
import os
import re
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(21)
torch.manual_seed(21)

PAIRS = [
    ("we will map the genetic basis of drought tolerance in wild barley populations collected along a "
     "rainfall gradient, combining field trials over three seasons with genome wide association scans, "
     "root architecture imaging and transcript profiling of stressed seedlings to nominate candidate "
     "loci for breeding programmes in semi arid regions ; a partner seed bank will multiply the most "
     "promising accessions , and results will be shared with farmer cooperatives through on farm "
     "demonstration plots and an annual field day",
     "plant genomics, crop breeding, drought physiology", 1.0),
    ("a study of sediment transport in braided river channels using drone surveys and flume experiments",
     "fluvial geomorphology, sediment dynamics", 1.0),
    ("we propose to build low cost seismic sensors for schools and to train teachers to run them",
     "plant genomics, crop breeding, drought physiology", 0.0),
    ("this project examines medieval trade ledgers from baltic ports to reconstruct grain prices and "
     "credit networks between merchant houses, digitising several thousand folios, linking names across "
     "archives with record linkage methods and publishing an open dataset with a searchable index "
     "for economic historians and students , together with a short course on reading early modern "
     "account books , a workshop for archivists on linking records across collections , and a series "
     "of public talks in the port towns themselves",
     "economic history, archival methods, digital humanities", 1.0),
    ("flume experiments on gravel bed rivers to measure bedload pulses after floods",
     "economic history, archival methods, digital humanities", 0.0),
    ("networked seismic sensors in classrooms as a platform for earth science outreach",
     "seismology, science education, instrumentation", 1.0),
]


@dataclass
class EncoderSettings:
    hidden: int = 32
    positions: int = 64
    # abstracts run long, keep as much of each one as we can
    max_seq_length: int = 64
    pooling: str = "mean"


def save_tiny_bert(texts, settings, folder):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=settings.hidden, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=2 * settings.hidden,
                        max_position_embeddings=settings.positions)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_encoder(model_dir, settings):
    word_model = models.Transformer(model_dir, max_seq_length=settings.max_seq_length)
    pooler = models.Pooling(word_model.get_embedding_dimension(), pooling_mode=settings.pooling)
    return SentenceTransformer(modules=[word_model, pooler], device="cpu")


def main():
    settings = EncoderSettings()
    texts = [a for a, _, _ in PAIRS] + [b for _, b, _ in PAIRS]
    model_dir = save_tiny_bert(texts, settings, tempfile.mkdtemp(prefix="grants_"))
    encoder = build_encoder(model_dir, settings)
    print(f"encoder ready, max_seq_length={encoder.max_seq_length}")

    examples = [InputExample(texts=[abstract, blurb], label=score) for abstract, blurb, score in PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=3)
    objective = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(train_objectives=[(loader, objective)], epochs=2, warmup_steps=1,
                    show_progress_bar=False)

    probe = encoder.encode(["river sediment surveys with drones"], convert_to_tensor=True)
    print("probe embedding shape:", tuple(probe.shape))


if __name__ == "__main__":
    main()
