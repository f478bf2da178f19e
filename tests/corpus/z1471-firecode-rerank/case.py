"""Fire-code clause retrieval for building inspectors (sentence-transformers).

Trains a small bi-encoder on (inspector question, clause) pairs and, after each
epoch, re-scores the first-stage shortlist of every question to report MRR and a
listwise cross-entropy.
"""
import os
import tempfile
from itertools import chain, groupby
from operator import itemgetter

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer import losses, modules
from sentence_transformers.sentence_transformer.evaluation import SentenceEvaluator

torch.manual_seed(5)

CLAUSES = {
    "C101": "exit doors must open in the direction of egress",
    "C102": "corridor width not less than one point one metres",
    "C203": "sprinkler heads spaced no more than four metres apart",
    "C204": "fire extinguisher mounted within reach near exit",
    "C305": "emergency lighting to run ninety minutes on battery",
    "C306": "smoke detectors tested monthly and logged",
    "C407": "fire doors self closing and never wedged open",
    "C408": "stairwell kept clear of storage at all times",
}

QUESTIONS = {
    "q1": "which way should the exit doors swing",
    "q2": "how far apart can sprinkler heads be",
    "q3": "how long must emergency lighting last",
    "q4": "can a fire door be propped open",
}

# first-stage (keyword) shortlist per question: (qid, clause id, shortlist rank, relevant)
SHORTLIST = [
    ("q1", "C101", 0, 1), ("q1", "C407", 1, 0), ("q1", "C204", 2, 0), ("q1", "C102", 3, 0),
    ("q2", "C204", 0, 0), ("q2", "C306", 1, 0), ("q2", "C203", 2, 1), ("q2", "C408", 3, 0),
    ("q3", "C305", 0, 1), ("q3", "C101", 1, 0), ("q3", "C306", 2, 0), ("q3", "C102", 3, 0),
    ("q4", "C101", 0, 0), ("q4", "C407", 1, 1), ("q4", "C408", 2, 0), ("q4", "C204", 3, 0),
]
QID, CLAUSE, RANK, RELEVANT = map(itemgetter, range(4))


def build_tiny_encoder():
    texts = chain(CLAUSES.values(), QUESTIONS.values())
    words = sorted(set(chain.from_iterable(map(str.split, texts))))
    out_dir = tempfile.mkdtemp()
    with open(os.path.join(out_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(out_dir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    word = modules.Transformer(out_dir, max_seq_length=32)
    pool = modules.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


class ShortlistEvaluator(SentenceEvaluator):
    def __init__(self, shortlist):
        super().__init__()
        self.shortlist = shortlist
        self.gold_rank = {QID(r): RANK(r) for r in filter(RELEVANT, shortlist)}
        self.primary_metric = "mrr"

    def __call__(self, model, output_path=None, epoch=-1, steps=-1):
        reciprocal, xent = [], []
        for qid, cands in groupby(sorted(self.shortlist, key=RANK), key=QID):
            cands = list(cands)
            q_vec = model.encode([QUESTIONS[qid]], convert_to_tensor=True)
            c_vecs = model.encode([CLAUSES[CLAUSE(c)] for c in cands], convert_to_tensor=True)
            scores = F.cosine_similarity(q_vec, c_vecs)
            gold = torch.tensor([self.gold_rank[qid]])
            xent.append(F.cross_entropy(scores.unsqueeze(0) / 0.05, gold).item())
            position = int((scores > scores[gold]).sum()) + 1
            reciprocal.append(1.0 / position)
        mrr = sum(reciprocal) / len(reciprocal)
        print(f"epoch {epoch}: MRR {mrr:.3f}  listwise CE {sum(xent) / len(xent):.3f}")
        return mrr


def main():
    model = build_tiny_encoder()
    pairs = [InputExample(texts=[QUESTIONS[QID(r)], CLAUSES[CLAUSE(r)]]) for r in filter(RELEVANT, SHORTLIST)]
    pairs += [InputExample(texts=[text, text]) for text in CLAUSES.values()]
    loader = DataLoader(pairs, shuffle=True, batch_size=4)
    train_loss = losses.MultipleNegativesRankingLoss(model)

    print(f"training on {len(pairs)} pairs, {len(QUESTIONS)} eval questions")
    model.old_fit(
        train_objectives=[(loader, train_loss)],
        evaluator=ShortlistEvaluator(SHORTLIST),
        epochs=2,
        warmup_steps=1,
        optimizer_params={"lr": 5e-4},
        show_progress_bar=False,
    )
    print("best MRR:", model.best_score)


if __name__ == "__main__":
    main()
