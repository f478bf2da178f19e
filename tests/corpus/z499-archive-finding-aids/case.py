"""Fine-tune a tiny bi-encoder that routes reading-room questions to archive finding aids.

Evaluation: recall@3 / MRR of the gold finding aid for a handful of held-out reader questions.
"""
import os
import re
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from sentence_transformers.evaluation import SentenceEvaluator

torch.manual_seed(7)

FINDING_AIDS = [
    "harbour board minutes and ledgers of dock dues",
    "parish registers of baptisms marriages and burials",
    "letters of the lighthouse keepers to the trinity house",
    "estate maps and surveys of the enclosed commons",
    "school log books and attendance registers",
    "photographs of the tram depot and its staff",
    "records of the cooperative dairy and milk rounds",
    "quarter sessions papers and gaol calendars",
    "brewery wage books and delivery ledgers",
]

TRAIN_PAIRS = [
    ("who paid dock dues in the harbour", 0),
    ("baptism of my great grandmother in the parish", 1),
    ("keepers letters from the lighthouse", 2),
    ("maps of the commons before enclosure", 3),
    ("attendance of pupils at the village school", 4),
    ("tram staff photographs at the depot", 5),
    ("milk rounds of the dairy cooperative", 6),
    ("gaol calendars for the quarter sessions", 7),
    ("wage books of the brewery draymen", 8),
]

HELD_OUT = [
    ("burials recorded in the parish registers", 1),
    ("surveys of the estate and its commons", 3),
    ("delivery ledgers of the old brewery", 8),
    ("photographs of the depot staff", 5),
    ("papers of the quarter sessions", 7),
]


def build_tiny_encoder(workdir):
    words = set()
    for text in FINDING_AIDS + [q for q, _ in TRAIN_PAIRS + HELD_OUT]:
        words.update(re.findall(r"[a-z]+", text.lower()))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")

    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model_dir = os.path.join(workdir, "tiny-archive-bert")
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    return model_dir


def score_matrix(queries, docs):
    # rows = queries, cols = docs
    return util.cos_sim(queries, docs)


class FindingAidRecallEvaluator(SentenceEvaluator):
    def __init__(self, questions, gold_doc, corpus, k=3):
        super().__init__()
        self.questions = questions
        self.gold_doc = gold_doc
        self.corpus = corpus
        self.k = k
        self.primary_metric = "mrr"

    def __call__(self, model, output_path=None, epoch=-1, steps=-1):
        query_vecs = model.encode(self.questions, convert_to_tensor=True)
        doc_vecs = model.encode(self.corpus, convert_to_tensor=True)
        sims = score_matrix(doc_vecs, query_vecs)

        hits, rr = 0, 0.0
        for qi, gold_idx in enumerate(self.gold_doc):
            gold_score = sims[qi, gold_idx]
            rank = int((sims[qi] > gold_score).sum()) + 1
            hits += rank <= self.k
            rr += 1.0 / rank
        n = len(self.gold_doc)
        metrics = {"recall@%d" % self.k: hits / n, "mrr": rr / n}
        print(f"[eval] epoch={epoch} steps={steps} " +
              " ".join(f"{k}={v:.3f}" for k, v in metrics.items()))
        return metrics


def main():
    workdir = tempfile.mkdtemp(prefix="finding-aids-")
    model_dir = build_tiny_encoder(workdir)

    word_model = models.Transformer(model_dir, max_seq_length=32)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    train_examples = [InputExample(texts=[q, FINDING_AIDS[d]]) for q, d in TRAIN_PAIRS]
    loader = DataLoader(train_examples, shuffle=True, batch_size=3)
    loss = losses.MultipleNegativesRankingLoss(model)

    evaluator = FindingAidRecallEvaluator(
        questions=[q for q, _ in HELD_OUT],
        gold_doc=[d for _, d in HELD_OUT],
        corpus=FINDING_AIDS,
    )
    print(f"training on {len(train_examples)} pairs, {len(FINDING_AIDS)} finding aids")
    model.old_fit(train_objectives=[(loader, loss)], evaluator=evaluator, epochs=2,
                  warmup_steps=0, show_progress_bar=False)
    print("best mrr:", model.best_score)


if __name__ == "__main__":
    main()
