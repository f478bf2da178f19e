"""Bi-encoder for matching farmer helpline questions to extension advisory snippets.

Each training example is (question, advisory that answers it, advisory for a look-alike problem).
Tiny random-init BERT wrapped in sentence-transformers, trained with the classic fit loop.
"""
import logging
import os
import tempfile
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")
from sentence_transformers import InputExample, SentenceTransformer, models, util  # noqa: E402

logging.basicConfig(level=logging.WARNING)
log = logging.getLogger("agri-retrieval")

TRIPLETS = [
    ("maize leaves turning purple at the base", "purple maize leaves early on point to phosphorus shortage apply dap",
     "yellow streaks on maize leaves suggest nitrogen shortage top dress with urea"),
    ("tomato fruit has black rot at the bottom", "blossom end rot on tomato comes from uneven watering and low calcium",
     "dark rings on tomato leaves are early blight spray copper fungicide"),
    ("small holes in cabbage leaves with green caterpillars", "diamondback moth larvae chew cabbage use bt spray in the evening",
     "white powder on cabbage leaves is downy mildew improve spacing"),
    ("goats coughing and runny nose after rains", "wet season cough in goats is often pneumonia keep housing dry call vet",
     "goats scratching and losing hair may have mange treat with ivermectin"),
    ("cassava roots rotting in the ground", "root rot in cassava follows waterlogging plant on ridges and raise drainage",
     "cassava leaves curled and mottled show mosaic virus use clean cuttings"),
    ("chickens stop laying and feathers falling", "laying hens moult once a year give extra protein and wait",
     "chickens with swollen eyes and sneezing may have coryza isolate them"),
    ("beans wilting even with wet soil", "bean wilt in wet soil is fusarium rotate crops for three seasons",
     "bean leaves with rust coloured spots need sulphur dust"),
    ("banana leaves with yellow streaks and dying", "yellow streaks on banana leaves point to black sigatoka remove old leaves",
     "banana bunch small and fingers split from potassium shortage add muriate of potash"),
]


def build_tiny_encoder():
    words = sorted({w for row in TRIPLETS for text in row for w in text.split()})
    folder = tempfile.mkdtemp(prefix="agri_bert_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def similarity_table(q_emb, d_emb):
    """Cosine similarities as [n_queries, n_docs]."""
    return util.cos_sim(d_emb, q_emb).T


def as_logits(table, scale):
    return table * scale


class HardNegativeRankingLoss(nn.Module):
    """InfoNCE over all advisories in the batch (positives + hard negatives)."""

    def __init__(self, model, scale=20.0):
        super().__init__()
        self.model = model
        self.scale = scale

    def forward(self, sentence_features, labels):
        embs = [self.model(feat)["sentence_embedding"] for feat in sentence_features]
        questions, advisories = embs[0], torch.cat(embs[1:], dim=0)
        logits = as_logits(similarity_table(questions, advisories), self.scale)
        # the positive for question i sits in column i
        gold = torch.arange(questions.size(0), device=questions.device)
        return F.cross_entropy(logits, gold)


def main():
    torch.manual_seed(5)
    model = build_tiny_encoder()
    examples = [InputExample(texts=list(t)) for t in TRIPLETS]
    loader = DataLoader(examples, shuffle=True, batch_size=4)
    loss_fn = HardNegativeRankingLoss(model)

    print(f"training on {len(examples)} triplets, {len(loader)} steps/epoch")
    model.old_fit(train_objectives=[(loader, loss_fn)], epochs=2, warmup_steps=1,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)

    questions = [t[0] for t in TRIPLETS]
    advisories = [t[1] for t in TRIPLETS]
    q = model.encode(questions, convert_to_tensor=True)
    d = model.encode(advisories, convert_to_tensor=True)
    hits = (similarity_table(q, d).argmax(dim=1) == torch.arange(len(questions))).float().mean()
    print(f"top-1 accuracy on training questions: {hits:.2f}")


if __name__ == "__main__":
    main()
